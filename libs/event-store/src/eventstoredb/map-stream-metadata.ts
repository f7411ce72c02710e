import { InvalidEventError, StreamMetadata } from '../port/index.js';

/**
 * EventStoreDB's own names in a `$metadata` event. Every other key (including `$acl` and `$cacheControl`,
 * which the port doesn't model) travels in `custom`, so a read-modify-write keeps them.
 */
const TRUNCATE_BEFORE = '$tb';
const MAX_COUNT = '$maxCount';
const MAX_AGE = '$maxAge';
const SYSTEM_KEYS: ReadonlySet<string> = new Set([TRUNCATE_BEFORE, MAX_COUNT, MAX_AGE]);

/** The server's "soft-deleted" truncate-before (Int64.MaxValue), which JSON.parse can't hold exactly. */
const SOFT_DELETED_TRUNCATE_BEFORE = 9223372036854775807n;

/** The data of the `$metadata` event. We build it ourselves: the client's helper renames custom keys like `maxAge`. */
export function toWireStreamMetadata(metadata: StreamMetadata): Record<string, unknown> {
  const wire: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata.custom ?? {})) {
    if (SYSTEM_KEYS.has(key)) {
      throw new InvalidEventError(`Custom stream metadata key '${key}' is reserved; use the typed field instead`);
    }
    wire[key] = value;
  }
  if (metadata.truncateBefore !== undefined) {
    wire[TRUNCATE_BEFORE] = toJsonInteger('truncateBefore', metadata.truncateBefore);
  }
  if (metadata.maxCount !== undefined) wire[MAX_COUNT] = toJsonInteger('maxCount', metadata.maxCount);
  if (metadata.maxAge !== undefined) wire[MAX_AGE] = toJsonInteger('maxAge', metadata.maxAge);
  return wire;
}

/** Anything but a JSON object reads as no settings, as the server itself treats unreadable metadata. */
export function fromWireStreamMetadata(wire: unknown): StreamMetadata {
  if (typeof wire !== 'object' || wire === null || Array.isArray(wire) || wire instanceof Uint8Array) return {};
  const record = wire as Record<string, unknown>;
  const custom: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!SYSTEM_KEYS.has(key)) custom[key] = value;
  }
  const truncateBefore = toBigIntOrUndefined(record[TRUNCATE_BEFORE]);
  const maxCount = toNumberOrUndefined(record[MAX_COUNT]);
  const maxAge = toNumberOrUndefined(record[MAX_AGE]);
  return {
    ...(truncateBefore !== undefined ? { truncateBefore } : {}),
    ...(maxCount !== undefined ? { maxCount } : {}),
    ...(maxAge !== undefined ? { maxAge } : {}),
    ...(Object.keys(custom).length > 0 ? { custom } : {}),
  };
}

/** JSON has no bigint, and JSON.stringify would write 2^53+ numbers inexactly: refuse rather than corrupt. */
function toJsonInteger(field: string, value: bigint | number): number {
  const asNumber = typeof value === 'bigint' ? Number(value) : value;
  if (!Number.isSafeInteger(asNumber) || asNumber < 0) {
    throw new InvalidEventError(
      `Stream metadata ${field} must be a non-negative integer below 2^53, got ${String(value)}`,
    );
  }
  return asNumber;
}

function toBigIntOrUndefined(value: unknown): bigint | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (Number.isSafeInteger(value)) return BigInt(value);
  // Past 2^53 JSON.parse has rounded the number; the only such value the server writes is its soft-delete marker.
  return value >= Number(SOFT_DELETED_TRUNCATE_BEFORE) ? SOFT_DELETED_TRUNCATE_BEFORE : BigInt(Math.trunc(value));
}

function toNumberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
