/** Reading Meta's JSON without trusting it: every accessor answers `undefined` for the wrong type. */
export type JsonRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function recordAt(value: unknown, key: string): JsonRecord | undefined {
  const field = isRecord(value) ? value[key] : undefined;
  return isRecord(field) ? field : undefined;
}

export function textAt(value: unknown, key: string): string | undefined {
  const field = isRecord(value) ? value[key] : undefined;
  return typeof field === 'string' ? field : undefined;
}

export function numberAt(value: unknown, key: string): number | undefined {
  const field = isRecord(value) ? value[key] : undefined;
  return typeof field === 'number' && Number.isFinite(field) ? field : undefined;
}

export function listAt(value: unknown, key: string): readonly unknown[] | undefined {
  const field = isRecord(value) ? value[key] : undefined;
  return Array.isArray(field) ? field : undefined;
}

/** Only the keys whose value is defined, so events never carry `"caption": undefined`. */
export function defined<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** Meta's timestamps are unix seconds, as strings. */
export function isoFromUnixSeconds(value: unknown): string | undefined {
  const seconds =
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 0) return undefined;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function metaErrorOf(
  value: unknown,
): { code: number; title: string; message?: string; details?: string } | undefined {
  const code = numberAt(value, 'code');
  if (code === undefined) return undefined;
  const title = textAt(value, 'title') ?? textAt(value, 'message') ?? `Error ${code}`;
  const message = textAt(value, 'message');
  const details = textAt(recordAt(value, 'error_data'), 'details');
  return { code, title, ...defined({ message, details }) };
}

export function describeMetaError(error: { code: number; title: string; details?: string }): string {
  return `${error.code} ${error.title}${error.details ? ` (${error.details})` : ''}`;
}
