// Default imports: the generated modules are CommonJS whose exports Node's ESM loader cannot
// name, so values come from the module object and types from `import type`.
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { ExpectedRevision } from './expected-revision.js';
import { TOMBSTONE_REVISION, type LogRecord, type ProposedEvent } from './log-record.js';

/** How a reader asked for event ids (`ReadReq.Options.uuid_option`). */
export type UuidFormat = 'string' | 'structured';

const MAX_INT64 = '9223372036854775807';
const TICKS_PER_MILLISECOND = 10_000n;
const JSON_CONTENT_TYPE = 'application/json';
const BINARY_CONTENT_TYPE = 'application/octet-stream';

export function streamNameOf(identifier: StreamIdentifier | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

export function streamIdentifierOf(streamName: string): StreamIdentifier {
  return new sharedPb.StreamIdentifier().setStreamName(Buffer.from(streamName, 'utf8'));
}

/**
 * The Append, BatchAppend, Delete and Tombstone options all number their expected-revision
 * oneof the same way: 2 = revision (`stream_position` in BatchAppend), 3 = no_stream, 4 = any,
 * 5 = stream_exists. Undefined when unset, which the caller reports as an invalid argument.
 */
export function expectedRevisionOf(oneofCase: number, revision: string): ExpectedRevision | undefined {
  switch (oneofCase) {
    case 2:
      return { kind: 'exact', revision: Number(revision) };
    case 3:
      return { kind: 'no_stream' };
    case 4:
      return { kind: 'any' };
    case 5:
      return { kind: 'stream_exists' };
    default:
      return undefined;
  }
}

/** Canonical lower-case UUID (what the .NET server echoes back), or undefined if malformed. */
export function uuidOf(message: UUID | undefined): string | undefined {
  if (!message) return undefined;
  if (message.hasStructured()) {
    const structured = message.getStructured();
    if (!structured) return undefined;
    return formatUuidHex(
      int64Hex(structured.getMostSignificantBits()) + int64Hex(structured.getLeastSignificantBits()),
    );
  }
  const hex = message.getString().replace(/[{}-]/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? formatUuidHex(hex) : undefined;
}

export function uuidMessageOf(id: string, format: UuidFormat): UUID {
  const uuid = new sharedPb.UUID();
  if (format === 'string') return uuid.setString(id);
  const hex = id.replace(/-/g, '');
  const structured = new sharedPb.UUID.Structured()
    .setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString())
    .setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  return uuid.setStructured(structured);
}

export type ProposedMessageParse =
  | { readonly kind: 'event'; readonly event: ProposedEvent }
  | { readonly kind: 'missing-metadata'; readonly property: 'type' | 'content-type' }
  | { readonly kind: 'invalid-id' };

/** Both AppendReq.ProposedMessage and BatchAppendReq.ProposedMessage have this shape. */
export interface ProposedMessageLike {
  getId(): UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

export function proposedEventOf(message: ProposedMessageLike): ProposedMessageParse {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  if (type === undefined) return { kind: 'missing-metadata', property: 'type' };
  const contentType = metadata.get('content-type');
  if (contentType === undefined) return { kind: 'missing-metadata', property: 'content-type' };
  const id = uuidOf(message.getId());
  if (!id) return { kind: 'invalid-id' };
  return {
    kind: 'event',
    event: {
      id,
      type,
      isJson: contentType === JSON_CONTENT_TYPE,
      data: message.getData_asU8(),
      customMetadata: message.getCustomMetadata_asU8(),
    },
  };
}

/** A record as the real server sends it in a ReadResp, positions included even for stream reads. */
export function readEventOf(record: LogRecord, uuidFormat: UuidFormat): ReadResp.ReadEvent {
  const position = String(record.position);
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessageOf(record.id, uuidFormat))
    .setStreamIdentifier(streamIdentifierOf(record.streamName))
    .setStreamRevision(revisionToWire(record.revision))
    .setPreparePosition(position)
    .setCommitPosition(position)
    .setData(record.data)
    .setCustomMetadata(record.customMetadata);
  recorded
    .getMetadataMap()
    .set('type', record.type)
    // .NET ticks (100 ns) since the Unix epoch; the client divides by 10 000 to get a Date.
    .set('created', (BigInt(record.createdEpochMs) * TICKS_PER_MILLISECOND).toString())
    .set('content-type', record.isJson ? JSON_CONTENT_TYPE : BINARY_CONTENT_TYPE);
  return new streamsPb.ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(position);
}

const revisionToWire = (revision: number): string => (revision === TOMBSTONE_REVISION ? MAX_INT64 : String(revision));

function int64Hex(signed: string): string {
  return BigInt.asUintN(64, BigInt(signed)).toString(16).padStart(16, '0');
}

function formatUuidHex(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
