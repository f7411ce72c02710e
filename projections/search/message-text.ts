import type {
  InboundMessageReceived,
  ReplyAccepted,
  SupportedInboundContent,
  TemplateMessageAccepted,
} from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';

export const TEXT_MESSAGE_TYPES = ['InboundMessageReceived', 'ReplyAccepted', 'TemplateMessageAccepted'];

type TextMessage = InboundMessageReceived | ReplyAccepted | TemplateMessageAccepted;

/**
 * Every word an agent could read in a message: bodies, captions, file names, places, shared
 * contacts, button titles, templates as sent. Null when there is none (media alone, placeholders).
 */
export function messageText(event: RecordedEvent): string | null {
  const message = { type: event.type, data: event.data } as TextMessage;
  const parts =
    message.type === 'TemplateMessageAccepted'
      ? [message.data.renderedHeader, message.data.renderedText]
      : contentParts(message.data.content as SupportedInboundContent);
  const text = parts.filter((part): part is string => typeof part === 'string' && part.trim() !== '').join('\n');
  return text === '' ? null : text;
}

function contentParts(content: SupportedInboundContent): (string | undefined)[] {
  switch (content.kind) {
    case 'text':
      return [content.body];
    case 'location':
      return [content.name, content.address];
    case 'contacts':
      return content.contacts.flatMap((contact) => [contact.formattedName, ...contact.phones.map((phone) => phone.phone)]);
    case 'interactive_reply':
      return [content.title, content.description];
    case 'button_reply':
      return [content.text];
    default:
      return [content.caption, content.filename];
  }
}
