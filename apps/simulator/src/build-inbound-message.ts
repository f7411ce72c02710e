import type { SimulatedContact } from './contact-pool.js';
import {
  BUTTON_REPLIES,
  CAPTIONS,
  DOCUMENTS,
  EDITED_TEXTS,
  EMOJI,
  LIST_REPLIES,
  LOCATIONS,
  TEXTS,
  UNSUPPORTED_KINDS,
} from './content-catalog.js';
import { newNumericId, newSha256, newWamid, unixSeconds } from './meta-ids.js';
import type { MessageType } from './message-types.js';
import { randomMobileWaId } from './contact-pool.js';
import type { Prng } from '@helpdesk/demo';

/** What has been said in one contact's conversation with one business number, for replies and reactions to refer to. */
export interface Thread {
  readonly inbound: string[];
  readonly outbound: string[];
}

export interface MessageContext {
  readonly prng: Prng;
  readonly contact: SimulatedContact;
  readonly thread: Thread;
  /** The business number's `display_phone_number`: what a reply's `context.from` names. */
  readonly businessDisplayNumber: string;
  readonly at: Date;
}

export interface BuiltMessage {
  readonly type: MessageType;
  readonly message: Record<string, unknown>;
  /** Meta lists the sender in `value.contacts`, except for system messages about a changed number. */
  readonly listsContact: boolean;
}

/**
 * One message object of `value.messages`, as Meta sends it. Types that refer to an earlier
 * message (reactions, revokes, edits) fall back to text when the thread has none yet.
 */
export function buildInboundMessage(wanted: MessageType, context: MessageContext): BuiltMessage {
  const { prng, contact, thread } = context;
  const type = canRefer(wanted, thread) ? wanted : 'text';
  const base = { from: contact.waId, id: newWamid(prng, contact.waId), timestamp: unixSeconds(context.at) };
  const body = bodyOf(type, context);
  const message = { ...contextOf(type, context), ...base, ...body };
  if (type !== 'system' && type !== 'reaction' && type !== 'reaction_removed') remember(thread.inbound, base.id);
  return { type, message, listsContact: !(type === 'system' && 'wa_id' in (body.system as object)) };
}

/** Only the latest messages are ever referred to: keeps a long run's memory flat. */
export function remember(wamids: string[], wamid: string): void {
  wamids.push(wamid);
  if (wamids.length > 10) wamids.splice(0, wamids.length - 10);
}

/** A contact reacts to any message of the thread, but revokes or edits only their own. */
function canRefer(type: MessageType, { inbound, outbound }: Thread): boolean {
  if (type === 'reaction' || type === 'reaction_removed') return inbound.length + outbound.length > 0;
  if (type === 'revoke' || type === 'edit') return inbound.length > 0;
  return true;
}

/** Replies to the business's own message carry `context`; forwarded messages say so. */
function contextOf(type: MessageType, { prng, thread, businessDisplayNumber }: MessageContext): object {
  const replyingTo = thread.outbound.at(-1) ?? null;
  if (type === 'interactive_button' || type === 'interactive_list' || type === 'button') {
    return { context: { from: businessDisplayNumber, id: replyingTo ?? newWamid(prng, businessDisplayNumber) } };
  }
  if (type === 'text' && replyingTo && prng.chance(0.15))
    return { context: { from: businessDisplayNumber, id: replyingTo } };
  if ((type === 'text' || type === 'image' || type === 'video') && prng.chance(0.05))
    return { context: { forwarded: true } };
  return {};
}

function bodyOf(type: MessageType, context: MessageContext): Record<string, unknown> {
  const { prng, thread } = context;
  const media = (mimeType: string, extra: object = {}) => ({
    mime_type: mimeType,
    sha256: newSha256(prng),
    id: newNumericId(prng, 16),
    ...extra,
  });
  const caption = () => {
    const text = prng.pick(CAPTIONS);
    return text === '' ? {} : { caption: text };
  };
  const earlierInbound = () => prng.pick(thread.inbound.slice(-5));
  switch (type) {
    case 'text':
      return { type, text: { body: prng.pick(TEXTS) } };
    case 'image':
      return { type, image: media(prng.pick(['image/jpeg', 'image/png']), caption()) };
    case 'video':
      return { type, video: media(prng.pick(['video/mp4', 'video/3gpp']), caption()) };
    case 'audio':
      return { type: 'audio', audio: media(prng.pick(['audio/mpeg', 'audio/mp4', 'audio/aac']), { voice: false }) };
    case 'voice':
      return { type: 'audio', audio: media('audio/ogg; codecs=opus', { voice: true }) };
    case 'document': {
      const { filename, mimeType } = prng.pick(DOCUMENTS);
      return { type, document: media(mimeType, { filename, ...caption() }) };
    }
    case 'sticker':
      return { type, sticker: media('image/webp', { animated: prng.chance(0.3) }) };
    case 'location':
      return { type, location: { ...prng.pick(LOCATIONS) } };
    case 'contacts':
      return { type, contacts: [sharedContact(prng)] };
    case 'interactive_button':
      return {
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { ...prng.pick(BUTTON_REPLIES) } },
      };
    case 'interactive_list':
      return { type: 'interactive', interactive: { type: 'list_reply', list_reply: { ...prng.pick(LIST_REPLIES) } } };
    case 'button': {
      const { id, title } = prng.pick(BUTTON_REPLIES);
      return { type, button: { payload: id, text: title } };
    }
    case 'reaction':
      return { type, reaction: { message_id: reactable(context), emoji: prng.pick(EMOJI) } };
    case 'reaction_removed':
      // Meta removes a reaction with an empty emoji, or (older payloads) with no emoji at all.
      return { type: 'reaction', reaction: { message_id: reactable(context), ...(prng.chance(0.7) && { emoji: '' }) } };
    case 'revoke':
      return { type, revoke: { original_message_id: earlierInbound() } };
    case 'edit': {
      const original = earlierInbound();
      const message = { context: { id: original }, type: 'text', text: { body: prng.pick(EDITED_TEXTS) } };
      return { type, edit: { original_message_id: original, message } };
    }
    case 'unsupported':
      return unsupported(prng);
    case 'system':
      return systemMessage(context);
  }
}

function reactable({ prng, thread }: MessageContext): string {
  return prng.pick([...thread.inbound.slice(-3), ...thread.outbound.slice(-3)]);
}

function sharedContact(prng: Prng): object {
  const waId = randomMobileWaId(prng);
  const [first, last] = prng.pick([
    ['Chandler', 'Bing'],
    ['Monica', 'Geller'],
    ['Rachel', 'Green'],
  ]);
  return {
    name: { first_name: first, last_name: last, formatted_name: `${first} ${last}` },
    phones: [{ phone: `+${waId}`, wa_id: waId, type: prng.pick(['CELL', 'HOME', 'WORK']) }],
  };
}

/** Meta's 131051: a message type it does not deliver (polls, events, ...), sometimes naming the type. */
function unsupported(prng: Prng): Record<string, unknown> {
  const kind = prng.pick(UNSUPPORTED_KINDS);
  const errors = [
    {
      code: 131051,
      title: 'Message type unknown',
      message: 'Message type unknown',
      error_data: { details: 'Message type is currently not supported.' },
    },
  ];
  return { errors, type: 'unsupported', ...(kind && { unsupported: { type: kind } }) };
}

/** A changed number moves the contact: later messages come from the new wa_id. */
function systemMessage({ prng, contact, at }: MessageContext): Record<string, unknown> {
  if (prng.chance(0.5)) {
    const hash = newSha256(prng).slice(0, 12);
    return {
      identity: { acknowledged: true, created_timestamp: unixSeconds(at), hash },
      system: { body: 'User identity changed', type: 'customer_identity_changed' },
      type: 'system',
    };
  }
  const previous = contact.waId;
  contact.waId = randomMobileWaId(prng);
  const body = `${contact.name} changed from ${previous} to ${contact.waId}`;
  return { system: { body, wa_id: contact.waId, type: 'user_changed_number' }, type: 'system' };
}
