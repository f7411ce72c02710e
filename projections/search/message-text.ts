import type {
  InboundMessageReceived,
  ReplyAccepted,
  ReplyContent,
  SupportedInboundContent,
  TemplateMessageAccepted,
} from '@helpdesk/domain';

export type TextMessage = InboundMessageReceived | ReplyAccepted | TemplateMessageAccepted;

export const TEXT_MESSAGE_TYPES = [
  'InboundMessageReceived',
  'ReplyAccepted',
  'TemplateMessageAccepted',
] as const satisfies readonly TextMessage['type'][];

/**
 * Every word an agent could read in a message: bodies, captions, file names, places, shared
 * contacts, button titles, templates as sent. Null when there is none (media alone, placeholders).
 */
export function messageText(message: TextMessage): string | null {
  const parts =
    message.type === 'TemplateMessageAccepted'
      ? [message.data.renderedHeader, message.data.renderedText]
      : contentParts(message.data.content);
  const text = parts.filter((part): part is string => typeof part === 'string' && part.trim() !== '').join('\n');
  return text === '' ? null : text;
}

function contentParts(content: SupportedInboundContent | ReplyContent): (string | undefined)[] {
  switch (content.kind) {
    case 'text':
      return [content.body];
    case 'location':
      return [content.name, content.address];
    case 'contacts':
      return content.contacts.flatMap((contact) => [
        contact.formattedName,
        ...contact.phones.map((phone) => phone.phone),
      ]);
    case 'interactive_reply':
      return [content.title, content.description];
    case 'button_reply':
      return [content.text];
    default:
      return [content.caption, content.filename];
  }
}
