import { EventMetadata } from '../port/index.js';

/**
 * Our metadata names → EventStoreDB's conventional names. The server's `$by_correlation_id`
 * projection (and its UI) only understands `$correlationId`, and `$causationId` follows the same convention.
 */
const WIRE_NAME_OF = {
  correlationId: '$correlationId',
  causationId: '$causationId',
} as const;

type RenamedKey = keyof typeof WIRE_NAME_OF;
const RENAMED_KEYS = Object.keys(WIRE_NAME_OF) as RenamedKey[];

/** `undefined` when there is nothing to send, so the event carries no metadata at all. */
export function toWireEventMetadata(metadata: EventMetadata | undefined): Record<string, unknown> | undefined {
  if (metadata === undefined) return undefined;
  const wire: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (value === undefined) continue; // JSON would drop it anyway; keep the wire object honest.
    wire[isRenamedKey(key) ? WIRE_NAME_OF[key] : key] = value;
  }
  return Object.keys(wire).length === 0 ? undefined : wire;
}

/** Anything that is not a JSON object (binary or missing metadata) reads as empty metadata. */
export function fromWireEventMetadata(wire: unknown): EventMetadata {
  if (!isPlainObject(wire)) return {};
  const metadata: Record<string, unknown> = { ...wire };
  for (const key of RENAMED_KEYS) {
    const wireName = WIRE_NAME_OF[key];
    if (wireName in metadata) {
      metadata[key] = metadata[wireName];
      delete metadata[wireName];
    }
  }
  return metadata;
}

function isRenamedKey(key: string): key is RenamedKey {
  return Object.prototype.hasOwnProperty.call(WIRE_NAME_OF, key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
