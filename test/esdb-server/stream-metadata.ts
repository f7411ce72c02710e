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

/** Like the real server, unreadable metadata counts as no metadata rather than an error. */
export function parseStreamMetadata(data: Uint8Array, isJson: boolean): StreamMetadata {
  const json = parseJsonObject(data, isJson);
  if (!json) return NO_METADATA;
  return {
    truncateBefore: nonNegativeNumber(json['$tb']),
    maxCount: nonNegativeNumber(json['$maxCount']),
    maxAgeSeconds: nonNegativeNumber(json['$maxAge']),
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

const nonNegativeNumber = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
