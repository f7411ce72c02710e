import type { InboundContent, SharedContact, UnsupportedKind } from '@helpdesk/domain';
import {
  type JsonRecord,
  defined,
  describeMetaError,
  isRecord,
  listAt,
  metaErrorOf,
  numberAt,
  recordAt,
  textAt,
} from './json-fields.js';

/**
 * One inbound message of Meta's webhook to the help desk's content. Kinds the help desk cannot
 * show (reactions, deletions, edits, polls, orders, system notices, types Meta added since) become
 * `unsupported` placeholders with a readable detail: they stay in the thread, never dropped.
 */
export function mapMessageContent(message: JsonRecord): InboundContent {
  const type = textAt(message, 'type');
  switch (type) {
    case 'text': {
      const body = textAt(recordAt(message, 'text'), 'body');
      return body === undefined ? unknown('a text message without a body', message) : { kind: 'text', body };
    }
    case 'image':
    case 'video':
    case 'document':
      return media(type, message);
    case 'audio':
      return media(recordAt(message, 'audio')?.voice === true ? 'voice' : 'audio', message, 'audio');
    case 'sticker':
      return media('sticker', message);
    case 'location':
      return location(message);
    case 'contacts':
      return contacts(message);
    case 'interactive':
      return interactive(message);
    case 'button': {
      const button = recordAt(message, 'button');
      const payload = textAt(button, 'payload');
      const text = textAt(button, 'text');
      if (payload === undefined && text === undefined) return unknown('a quick reply without its button', message);
      return { kind: 'button_reply', payload: payload ?? text ?? '', text: text ?? payload ?? '' };
    }
    case 'reaction':
      return reaction(message);
    case 'revoke':
    case 'deleted': {
      const original = textAt(recordAt(message, 'revoke'), 'original_message_id');
      return unsupported(
        'deleted',
        original ? `The contact deleted message ${original}` : 'The contact deleted a message',
      );
    }
    case 'edit': {
      const edit = recordAt(message, 'edit');
      const original = textAt(edit, 'original_message_id') ?? 'a message';
      const editedType = textAt(recordAt(edit, 'message'), 'type');
      return unsupported('edited', `The contact edited ${original}${editedType ? ` (new ${editedType} content)` : ''}`);
    }
    case 'unsupported': {
      const what = textAt(recordAt(message, 'unsupported'), 'type');
      return unsupported(
        'unsupported_type',
        `WhatsApp cannot deliver this message type${what ? ` ('${what}')` : ''}${errorsOf(message)}`,
      );
    }
    case 'system': {
      const system = recordAt(message, 'system');
      const detail = [textAt(system, 'type'), textAt(system, 'body')].filter(Boolean).join(': ');
      return unsupported('system', detail || 'A WhatsApp system notice');
    }
    case 'order': {
      const order = recordAt(message, 'order');
      const items = listAt(order, 'product_items')?.length ?? 0;
      const catalog = textAt(order, 'catalog_id');
      return unsupported(
        'unsupported_type',
        `An order of ${items} item(s)${catalog ? ` from catalog ${catalog}` : ''}`,
      );
    }
    default:
      return unknown(type === undefined ? 'a message without a type' : `message type '${type}'`, message);
  }
}

type MediaKind = 'image' | 'video' | 'audio' | 'voice' | 'document' | 'sticker';

/** Meta's media id, mime type and checksum: the bytes are fetched later from Meta by id. */
function media(kind: MediaKind, message: JsonRecord, field: string = kind): InboundContent {
  const object = recordAt(message, field);
  const mediaId = textAt(object, 'id');
  const mimeType = textAt(object, 'mime_type');
  if (mediaId === undefined || mimeType === undefined) {
    return unsupported(
      'unsupported_attachment',
      `An attachment (${field}) without a media id or mime type${errorsOf(message)}`,
    );
  }
  const optional = defined({
    sha256: textAt(object, 'sha256'),
    caption: textAt(object, 'caption'),
    filename: textAt(object, 'filename'),
  });
  if (kind === 'sticker') {
    const animated = typeof object?.animated === 'boolean' ? object.animated : undefined;
    return { kind, mediaId, mimeType, ...optional, ...defined({ animated }) };
  }
  return { kind, mediaId, mimeType, ...optional };
}

function location(message: JsonRecord): InboundContent {
  const place = recordAt(message, 'location');
  const latitude = numberAt(place, 'latitude');
  const longitude = numberAt(place, 'longitude');
  if (latitude === undefined || longitude === undefined) return unknown('a location without coordinates', message);
  return {
    kind: 'location',
    latitude,
    longitude,
    ...defined({ name: textAt(place, 'name'), address: textAt(place, 'address') }),
  };
}

function contacts(message: JsonRecord): InboundContent {
  const shared: SharedContact[] = (listAt(message, 'contacts') ?? []).filter(isRecord).map((card) => {
    const name = recordAt(card, 'name');
    const phones = (listAt(card, 'phones') ?? []).filter(isRecord).flatMap((phone) => {
      const number = textAt(phone, 'phone') ?? textAt(phone, 'wa_id');
      return number === undefined
        ? []
        : [{ phone: number, ...defined({ waId: textAt(phone, 'wa_id'), type: textAt(phone, 'type') }) }];
    });
    const emails = (listAt(card, 'emails') ?? []).flatMap((email) => textAt(email, 'email') ?? []);
    const formattedName =
      textAt(name, 'formatted_name') ??
      [textAt(name, 'first_name'), textAt(name, 'last_name')].filter(Boolean).join(' ');
    return { formattedName, phones, ...(emails.length > 0 && { emails }) };
  });
  return shared.length === 0
    ? unknown('shared contacts without any card', message)
    : { kind: 'contacts', contacts: shared };
}

function interactive(message: JsonRecord): InboundContent {
  const reply = recordAt(message, 'interactive');
  const type = textAt(reply, 'type');
  if (type === 'button_reply' || type === 'list_reply') {
    const chosen = recordAt(reply, type);
    const replyId = textAt(chosen, 'id');
    const title = textAt(chosen, 'title');
    if (replyId === undefined || title === undefined) return unknown(`a ${type} without its id or title`, message);
    const replyType = type === 'button_reply' ? 'button' : 'list';
    return {
      kind: 'interactive_reply',
      replyType,
      replyId,
      title,
      ...defined({ description: textAt(chosen, 'description') }),
    };
  }
  if (type === 'nfm_reply') {
    const flow = recordAt(reply, 'nfm_reply');
    const name = textAt(flow, 'name');
    return unsupported('unsupported_type', `A WhatsApp Flow response${name ? ` ('${name}')` : ''}`);
  }
  return unknown(type ? `interactive reply type '${type}'` : 'an interactive message without its reply', message);
}

/** An empty or missing emoji is Meta's way of saying the reaction was removed. */
function reaction(message: JsonRecord): InboundContent {
  const object = recordAt(message, 'reaction');
  const target = textAt(object, 'message_id') ?? 'a message';
  const emoji = textAt(object, 'emoji');
  return emoji
    ? unsupported('reaction', `The contact reacted ${emoji} to ${target}`)
    : unsupported('reaction_removed', `The contact removed their reaction to ${target}`);
}

function unknown(what: string, message: JsonRecord): InboundContent {
  return unsupported('unknown', `Not understood: ${what}${errorsOf(message)}`);
}

function unsupported(unsupportedKind: UnsupportedKind, detail: string): InboundContent {
  return { kind: 'unsupported', unsupportedKind, detail };
}

function errorsOf(message: JsonRecord): string {
  const errors = (listAt(message, 'errors') ?? []).flatMap((error) => metaErrorOf(error) ?? []);
  return errors.length === 0 ? '' : ` [${errors.map(describeMetaError).join('; ')}]`;
}
