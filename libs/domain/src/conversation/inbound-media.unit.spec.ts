import { specificationFor } from '../../../../test/support/decider-specification.js';
import { HOUR, command, firstSentAt, historyOf, inbound, later } from './conversation.fixtures.js';
import {
  MAX_MEDIA_FETCH_ATTEMPTS,
  type RecordInboundMediaFetchFailure,
  type RecordInboundMediaStored,
  type StartedConversation,
  conversationDecider,
} from './index.js';

const spec = specificationFor(conversationDecider);
const now = later(firstSentAt, HOUR);
const SHA = 'a'.repeat(64);

const image = (n = 1) =>
  inbound(n, { content: { kind: 'image', mediaId: `media-${n}`, mimeType: 'image/jpeg', sha256: SHA } });
const stored = (messageId = 'in-1', at = now) =>
  command<RecordInboundMediaStored>(
    'RecordInboundMediaStored',
    { messageId, storageKey: 'ab/abcdef', sha256: SHA, sizeBytes: 1234, mimeType: 'image/jpeg' },
    at,
  );
const failure = (attempt: number, permanent = false, messageId = 'in-1') =>
  command<RecordInboundMediaFetchFailure>(
    'RecordInboundMediaFetchFailure',
    { messageId, attempt, reason: 'Meta answered 500', permanent, retryDelayMs: 2_000 },
    now,
  );
const failures = (count: number) => Array.from({ length: count }, (_, index) => failure(index + 1));

function mediaState(...commands: Parameters<typeof historyOf>) {
  const events = historyOf(...commands);
  const state = events.reduce(conversationDecider.evolve, conversationDecider.initialState) as StartedConversation;
  return state.media.get('in-1');
}

describe('Inbound media', () => {
  it('is pending once a message with media arrives, and a text message has none', () => {
    expect(mediaState(image())).toEqual({ mediaId: 'media-1', status: 'pending', attempts: 0, retryAt: null });
    expect(mediaState(inbound(1))).toBeUndefined();
  });

  it('records the stored media with its checksum, size, type and storage key, once', () => {
    spec
      .given(historyOf(image()))
      .when(stored())
      .then([
        {
          type: 'InboundMediaStored',
          data: {
            messageId: 'in-1',
            mediaId: 'media-1',
            storageKey: 'ab/abcdef',
            sha256: SHA,
            sizeBytes: 1234,
            mimeType: 'image/jpeg',
            storedAt: now,
          },
        },
      ]);
    spec.given(historyOf(image(), stored())).when(stored()).thenNothingHappens();
    expect(mediaState(image(), stored())?.status).toBe('stored');
  });

  it('schedules a retry after a failed download, with the delay given', () => {
    spec
      .given(historyOf(image()))
      .when(failure(1))
      .then([
        {
          type: 'InboundMediaFetchFailed',
          data: {
            messageId: 'in-1',
            mediaId: 'media-1',
            attempt: 1,
            reason: 'Meta answered 500',
            final: false,
            retryAt: later(now, 2_000),
            failedAt: now,
          },
        },
      ]);
    expect(mediaState(image(), failure(1))).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('records a failure reported twice once (only the next attempt counts)', () => {
    spec
      .given(historyOf(image(), failure(1)))
      .when(failure(1))
      .thenNothingHappens();
    spec.given(historyOf(image())).when(failure(3)).thenNothingHappens();
  });

  it(`gives up after ${MAX_MEDIA_FETCH_ATTEMPTS} failed downloads, visibly, and then records nothing more`, () => {
    const history = [image(), ...failures(MAX_MEDIA_FETCH_ATTEMPTS - 1)];
    const [last] = spec
      .given(historyOf(...history))
      .when(failure(MAX_MEDIA_FETCH_ATTEMPTS))
      .events();
    expect(last).toMatchObject({ type: 'InboundMediaFetchFailed', data: { final: true, retryAt: null } });
    const givenUp = [...history, failure(MAX_MEDIA_FETCH_ATTEMPTS)];
    expect(mediaState(...givenUp)?.status).toBe('failed');
    spec
      .given(historyOf(...givenUp))
      .when(stored())
      .thenNothingHappens();
  });

  it('gives up at once on a permanent failure (checksum mismatch, oversize)', () => {
    const [event] = spec.given(historyOf(image())).when(failure(1, true)).events();
    expect(event).toMatchObject({ type: 'InboundMediaFetchFailed', data: { final: true, attempt: 1 } });
  });

  it('refuses a message without media, and a checksum that is not SHA-256 hex', () => {
    spec
      .given(historyOf(inbound(1)))
      .when(stored())
      .thenRefuses('MESSAGE_NOT_FOUND');
    const bad = { ...stored(), data: { ...stored().data, sha256: 'not-a-hash' } };
    spec.given(historyOf(image())).when(bad).thenRefuses('INVALID_COMMAND');
  });
});
