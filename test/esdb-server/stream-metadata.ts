/**
 * The parts of stream metadata (the last `$metadata` event of `$$<stream>`) that change what
 * a read returns. ACLs and `$cacheControl` are accepted and stored but have no effect here.
 */
export interface StreamMetadata {
  /** `$tb`: revisions below it are hidden. */
  readonly truncateBefore?: number;
  /** `$maxCount`: only the newest N revisions are visible. */
  readonly maxCount?: number;
  /** `$maxAge` in seconds: older events are hidden. */
  readonly maxAgeSeconds?: number;
}

export const NO_METADATA: StreamMetadata = {};

/** The real server keeps only the latest metadata event visible (`MetastreamMaxCount` = 1). */
export const METASTREAM_METADATA: StreamMetadata = { maxCount: 1 };

const METASTREAM_PREFIX = '$$';

export const metastreamOf = (streamName: string): string => `${METASTREAM_PREFIX}${streamName}`;
export const isMetastream = (streamName: string): boolean => streamName.startsWith(METASTREAM_PREFIX);
export const originalStreamOf = (metastreamName: string): string => metastreamName.slice(METASTREAM_PREFIX.length);

/**
 * A soft delete writes `$tb` = long.MaxValue. It is written as exact text because JSON.parse
 * rounds 2^63-1, so detection compares against the largest exactly representable integer.
 */
export const SOFT_DELETE_METADATA_JSON = '{"$tb":9223372036854775807}';

export const isSoftDeleteMarker = (metadata: StreamMetadata): boolean =>
  metadata.truncateBefore !== undefined && metadata.truncateBefore >= Number.MAX_SAFE_INTEGER;

/**
 * Like the real server (StreamMetadata.TryFromJsonBytes), unreadable metadata counts as no
 * metadata rather than an error, and so does metadata with one invalid value: `$maxCount` or
 * `$maxAge` or `$cacheControl` <= 0, `$tb` < 0, a number that is not an integer. The StreamMetadata
 * constructor throws for those and the whole document, `$tb` included, is replaced by Empty,
 * so truncated or soft-deleted events become readable again.
 */
export function parseStreamMetadata(data: Uint8Array, isJson: boolean): StreamMetadata {
  const json = parseJsonObject(data, isJson);
  if (!json) return NO_METADATA;
  const truncateBefore = integerAtLeast(json['$tb'], 0);
  const maxCount = integerAtLeast(json['$maxCount'], 1);
  const maxAgeSeconds = integerAtLeast(json['$maxAge'], 1);
  const cacheControl = integerAtLeast(json['$cacheControl'], 1);
  if ([truncateBefore, maxCount, maxAgeSeconds, cacheControl].includes(INVALID)) return NO_METADATA;
  return {
    truncateBefore: truncateBefore as number | undefined,
    maxCount: maxCount as number | undefined,
    maxAgeSeconds: maxAgeSeconds as number | undefined,
  };
}

/**
 * Re-creating a soft-deleted stream keeps its metadata but moves `$tb` to the first new
 * revision, so the old events stay hidden. Returns undefined when the metadata is not a JSON
 * object (the real server then leaves it alone).
 */
export function withTruncateBefore(data: Uint8Array, isJson: boolean, truncateBefore: number): Uint8Array | undefined {
  const json = parseJsonObject(data, isJson);
  if (!json) return undefined;
  return Buffer.from(JSON.stringify({ ...json, $tb: truncateBefore }), 'utf8');
}

function parseJsonObject(data: Uint8Array, isJson: boolean): Record<string, unknown> | undefined {
  if (!isJson || data.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const INVALID = Symbol('invalid');

/** Absent (undefined or null) is fine; present, it must be an integer >= `minimum`. */
function integerAtLeast(value: unknown, minimum: number): number | undefined | typeof INVALID {
  if (value === undefined || value === null) return undefined;
  // Past 2^53 JSON.parse rounds: the soft-delete marker (long.MaxValue) lands here and is valid.
  if (typeof value === 'number' && value >= Number.MAX_SAFE_INTEGER) return value;
  return typeof value === 'number' && Number.isInteger(value) && value >= minimum ? value : INVALID;
}
