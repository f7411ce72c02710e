import type { RecordedEvent } from '@helpdesk/event-store';

interface ContentLike {
  readonly kind: string;
  readonly body?: string;
  readonly caption?: string;
  readonly title?: string;
  readonly text?: string;
  readonly name?: string;
}

const PREVIEW_LENGTH = 140;

/** A one-line preview: the text if there is one, else what kind of message it was. */
export function previewOf(event: RecordedEvent): string {
  const data = event.data as { content?: ContentLike; unsupportedKind?: string; renderedText?: string };
  if (event.type === 'UnsupportedMessageReceived') return `[Unsupported message: ${data.unsupportedKind ?? 'unknown'}]`;
  if (event.type === 'TemplateMessageAccepted') return shorten(data.renderedText ?? '[Template]');
  const content = data.content;
  if (!content) return '[Message]';
  const text = content.body ?? content.caption ?? content.text ?? content.title ?? content.name;
  return text ? shorten(text) : `[${content.kind}]`;
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > PREVIEW_LENGTH ? `${line.slice(0, PREVIEW_LENGTH - 1)}…` : line;
}
