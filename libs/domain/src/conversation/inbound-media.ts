import { AppendOnlyMap, type DomainCommand, type DomainEvent, assertNever, refuse } from '../core/index.js';
import { startedConversation } from './conversation.guards.js';
import type { ConversationState } from './conversation.state.js';
import type { InboundContent } from './message-content.js';

/**
 * Inbound media, kept by the help desk: Meta keeps a contact's media only for a while and serves it
 * only with the access token, so a fetcher downloads each one after the webhook was acknowledged and
 * records the outcome here. Its commands, events, rules and fold in one file, like read-state.ts.
 */
export type InboundMediaStatus = 'pending' | 'stored' | 'failed';
export type InboundMediaState = Readonly<{
  mediaId: string;
  status: InboundMediaStatus;
  /** Failed downloads recorded so far. */
  attempts: number;
  /** When the next download may start; null when it may start now, or never again. */
  retryAt: string | null;
}>;
export type InboundMediaStates = AppendOnlyMap<string, InboundMediaState>;

/** After this many failed downloads the media is given up (recorded as failed, never silently). */
export const MAX_MEDIA_FETCH_ATTEMPTS = 6;

/** The bytes were downloaded, their SHA-256 matched Meta's, and they are kept under `storageKey`. */
export type RecordInboundMediaStored = DomainCommand<
  'RecordInboundMediaStored',
  { messageId: string; storageKey: string; sha256: string; sizeBytes: number; mimeType: string }
>;
/**
 * A download failed. `permanent`: retrying cannot help (the checksum did not match, the file was
 * larger than allowed); `retryDelayMs` is used only if the decision is to retry.
 */
export type RecordInboundMediaFetchFailure = DomainCommand<
  'RecordInboundMediaFetchFailure',
  { messageId: string; attempt: number; reason: string; permanent: boolean; retryDelayMs: number }
>;
export type InboundMediaCommand = RecordInboundMediaStored | RecordInboundMediaFetchFailure;

export type InboundMediaStored = DomainEvent<
  'InboundMediaStored',
  {
    messageId: string;
    mediaId: string;
    storageKey: string;
    sha256: string;
    sizeBytes: number;
    mimeType: string;
    storedAt: string;
  }
>;
/** `final`: given up, nothing more is tried; otherwise the next download waits until `retryAt`. */
export type InboundMediaFetchFailed = DomainEvent<
  'InboundMediaFetchFailed',
  {
    messageId: string;
    mediaId: string;
    attempt: number;
    reason: string;
    final: boolean;
    retryAt: string | null;
    failedAt: string;
  }
>;
export type InboundMediaEvent = InboundMediaStored | InboundMediaFetchFailed;

const INBOUND_MEDIA_COMMANDS: { readonly [Type in InboundMediaCommand['type']]: true } = {
  RecordInboundMediaStored: true,
  RecordInboundMediaFetchFailure: true,
};
const INBOUND_MEDIA_EVENTS: { readonly [Type in InboundMediaEvent['type']]: true } = {
  InboundMediaStored: true,
  InboundMediaFetchFailed: true,
};

export function isInboundMediaCommand<C extends { readonly type: string }>(
  command: C,
): command is Extract<C, InboundMediaCommand> {
  return Object.hasOwn(INBOUND_MEDIA_COMMANDS, command.type);
}

export function isInboundMediaEvent<E extends { readonly type: string }>(
  event: E,
): event is Extract<E, InboundMediaEvent> {
  return Object.hasOwn(INBOUND_MEDIA_EVENTS, event.type);
}

/** Meta's media id, for the inbound contents that carry media. */
export function mediaIdOf(content: InboundContent): string | null {
  return 'mediaId' in content && typeof content.mediaId === 'string' ? content.mediaId : null;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function decideInboundMedia(command: InboundMediaCommand, state: ConversationState): InboundMediaEvent[] {
  const conversation = startedConversation(state, command.context);
  const { messageId } = command.data;
  const media = conversation.media.get(messageId);
  if (!media) refuse('MESSAGE_NOT_FOUND', `Message ${messageId} has no inbound media`, { messageId });
  // Stored or given up: an outcome recorded again (a restart, a second fetcher) changes nothing.
  if (media.status !== 'pending') return [];
  const now = command.context.now;
  switch (command.type) {
    case 'RecordInboundMediaStored': {
      const { storageKey, sha256, sizeBytes, mimeType } = command.data;
      if (!SHA256_HEX.test(sha256)) refuse('INVALID_COMMAND', 'sha256 must be 64 lowercase hexadecimal digits');
      if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) refuse('INVALID_COMMAND', 'sizeBytes must be a size');
      if (storageKey.trim() === '') refuse('INVALID_COMMAND', 'storageKey must not be empty');
      const stored = { messageId, mediaId: media.mediaId, storageKey, sha256, sizeBytes, mimeType };
      return [{ type: 'InboundMediaStored', data: { ...stored, storedAt: now.toISOString() } }];
    }
    case 'RecordInboundMediaFetchFailure': {
      const { attempt, reason, permanent, retryDelayMs } = command.data;
      // Only the next attempt counts: a failure reported twice is recorded once.
      if (attempt !== media.attempts + 1) return [];
      const final = permanent || attempt >= MAX_MEDIA_FETCH_ATTEMPTS;
      const retryAt = final ? null : new Date(now.getTime() + Math.max(0, retryDelayMs)).toISOString();
      return [
        {
          type: 'InboundMediaFetchFailed',
          data: { messageId, mediaId: media.mediaId, attempt, reason, final, retryAt, failedAt: now.toISOString() },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

export function evolveInboundMedia(states: InboundMediaStates, event: InboundMediaEvent): InboundMediaStates {
  const current = states.get(event.data.messageId);
  if (!current) return states;
  switch (event.type) {
    case 'InboundMediaStored':
      return states.set(event.data.messageId, { ...current, status: 'stored', retryAt: null });
    case 'InboundMediaFetchFailed': {
      const { attempt, final, retryAt } = event.data;
      return states.set(event.data.messageId, {
        ...current,
        status: final ? 'failed' : 'pending',
        attempts: attempt,
        retryAt,
      });
    }
    default:
      return assertNever(event);
  }
}

/** A contact's message with media arrived: its download is pending. */
export function withInboundMedia(
  states: InboundMediaStates,
  messageId: string,
  content: InboundContent,
): InboundMediaStates {
  const mediaId = mediaIdOf(content);
  if (mediaId === null || states.has(messageId)) return states;
  return states.set(messageId, { mediaId, status: 'pending', attempts: 0, retryAt: null });
}

export const NO_INBOUND_MEDIA: InboundMediaStates = AppendOnlyMap.empty();
