import type {
  InboundMessageReceived,
  ReplyAccepted,
  TemplateMessageAccepted,
  UnsupportedMessageReceived,
} from '@helpdesk/domain';

interface ContentLike {
  readonly kind: string;
  readonly body?: string;
  readonly caption?: string;
  readonly title?: string;
  readonly text?: string;
  readonly name?: string;
}

const PREVIEW_LENGTH = 140;

/** The events that carry a message, and so a preview. */
export type PreviewedEvent =
  InboundMessageReceived | UnsupportedMessageReceived | ReplyAccepted | TemplateMessageAccepted;

/** A one-line preview: the text if there is one, else what kind of message it was. */
export function previewOf(event: PreviewedEvent): string {
  if (event.type === 'UnsupportedMessageReceived')
    return `[Unsupported message: ${event.data.unsupportedKind ?? 'unknown'}]`;
  if (event.type === 'TemplateMessageAccepted') return shorten(event.data.renderedText ?? '[Template]');
  const content: ContentLike | undefined = event.data.content;
  if (!content) return '[Message]';
  const text = content.body ?? content.caption ?? content.text ?? content.title ?? content.name;
  return text ? shorten(text) : `[${content.kind}]`;
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > PREVIEW_LENGTH ? `${line.slice(0, PREVIEW_LENGTH - 1)}…` : line;
}
