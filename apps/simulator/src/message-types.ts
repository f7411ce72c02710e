/**
 * Every kind of inbound message Meta delivers that the help desk must handle, shown or as an
 * unsupported placeholder. Names are the simulator's own: Meta's `type` alone does not tell a
 * voice note from an audio file, a reaction from its removal, or a button reply from a list reply.
 */
export const MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'voice',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive_button',
  'interactive_list',
  'button',
  'reaction',
  'reaction_removed',
  'revoke',
  'edit',
  'unsupported',
  'system',
] as const;

export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Roughly what a support inbox sees: mostly text, then media; the odd cases rare but always present. */
export const MESSAGE_TYPE_WEIGHTS: Readonly<Record<MessageType, number>> = {
  text: 40,
  image: 8,
  video: 3,
  audio: 2,
  voice: 6,
  document: 4,
  sticker: 3,
  location: 2,
  contacts: 2,
  interactive_button: 4,
  interactive_list: 3,
  button: 3,
  reaction: 5,
  reaction_removed: 1.5,
  revoke: 1.5,
  edit: 1.5,
  unsupported: 1.5,
  system: 1,
};

export const STATUS_KINDS = ['sent', 'delivered', 'read', 'played', 'failed'] as const;

export type StatusKind = (typeof STATUS_KINDS)[number];

/** How far along a message a status is: a later rank arriving before an earlier one is out of order. */
export const STATUS_RANK: Readonly<Record<StatusKind, number>> = {
  sent: 0,
  delivered: 1,
  read: 2,
  played: 3,
  failed: 4,
};
