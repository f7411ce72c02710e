import { registerEnumType } from '@nestjs/graphql';
import type { DeliveryStatus, OutboundFailureReason, UnsupportedKind } from '@helpdesk/domain';
import type { DispatchState, ThreadMessageType, ThreadPlaceholder } from '@helpdesk/projections/thread/index.js';
import type { Covers } from '../graphql/enum-covers.js';

/** The thread's enums carry the read model's own strings as values; each is checked below to cover them all (Covers). */
export enum MessageDirection {
  INBOUND = 'inbound',
  OUTBOUND = 'outbound',
}

export enum MessageType {
  TEXT = 'text',
  IMAGE = 'image',
  VIDEO = 'video',
  AUDIO = 'audio',
  VOICE = 'voice',
  DOCUMENT = 'document',
  STICKER = 'sticker',
  LOCATION = 'location',
  CONTACTS = 'contacts',
  INTERACTIVE_REPLY = 'interactive_reply',
  BUTTON_REPLY = 'button_reply',
  TEMPLATE = 'template',
  UNSUPPORTED = 'unsupported',
}

export enum PlaceholderKind {
  UNSUPPORTED = 'unsupported',
  QUARANTINED = 'quarantined',
}

export enum UnsupportedMessageKind {
  REACTION = 'reaction',
  REACTION_REMOVED = 'reaction_removed',
  DELETED = 'deleted',
  EDITED = 'edited',
  UNSUPPORTED_ATTACHMENT = 'unsupported_attachment',
  UNSUPPORTED_TYPE = 'unsupported_type',
  SYSTEM = 'system',
  UNKNOWN = 'unknown',
}

export enum DeliveryStatusValue {
  SENT = 'sent',
  DELIVERED = 'delivered',
  READ = 'read',
  PLAYED = 'played',
  FAILED = 'failed',
}

export enum DispatchStateValue {
  PENDING = 'pending',
  ATTEMPTING = 'attempting',
  RETRY_SCHEDULED = 'retry_scheduled',
  UNKNOWN = 'unknown',
  SENT = 'sent',
  FAILED = 'failed',
}

export enum DispatchFailureReason {
  REFUSED = 'refused',
  OUTSIDE_WINDOW = 'outside_window',
  ATTEMPTS_EXHAUSTED = 'attempts_exhausted',
}

true satisfies Covers<`${MessageDirection}`, 'inbound' | 'outbound'>;
true satisfies Covers<`${MessageType}`, ThreadMessageType>;
true satisfies Covers<`${PlaceholderKind}`, ThreadPlaceholder['kind']>;
true satisfies Covers<`${UnsupportedMessageKind}`, UnsupportedKind>;
true satisfies Covers<`${DeliveryStatusValue}`, DeliveryStatus>;
true satisfies Covers<`${DispatchStateValue}`, DispatchState>;
true satisfies Covers<`${DispatchFailureReason}`, OutboundFailureReason>;

registerEnumType(MessageDirection, { name: 'MessageDirection' });
registerEnumType(MessageType, { name: 'MessageType' });
registerEnumType(PlaceholderKind, { name: 'PlaceholderKind' });
registerEnumType(UnsupportedMessageKind, { name: 'UnsupportedMessageKind' });
registerEnumType(DeliveryStatusValue, {
  name: 'DeliveryStatus',
  description: "Meta's status webhooks; they only move forward.",
});
registerEnumType(DispatchStateValue, {
  name: 'DispatchState',
  description:
    'Handing an outbound message to Meta: PENDING (not tried yet), ATTEMPTING, RETRY_SCHEDULED, ' +
    'UNKNOWN (no answer: never resent automatically), SENT (Meta took it), FAILED (final).',
});
registerEnumType(DispatchFailureReason, { name: 'DispatchFailureReason' });
