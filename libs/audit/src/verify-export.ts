import { JsonTooDeepError, canonicalJson } from './canonical-json.js';
import { type ExportVerifyKey, SIGNATURE_ALGORITHM } from './export-keys.js';
import {
  EXPORT_FORMAT,
  type EventRef,
  type ExportTrailer,
  type ExportedEvent,
  GENESIS_HASH,
  hashOf,
  refOf,
  signedBytesOf,
} from './export-format.js';
import { type LineSource, LineTooLongError } from './export-lines.js';

/**
 * What is wrong, from the file alone: `malformed` (not an export line, too long, too deep), `chain`
 * (a line changed, removed, added or moved without recomputing the hashes), `truncated` (no signed
 * trailer), `count` / `trailer` (the trailer does not describe the lines), `unsigned` (a v1 export,
 * which proves nothing), `unknown-key` / `signature` (not signed by a trusted key: a rewritten and
 * re-chained file), `scope` (a genuine export of something else). Against the store: `not-in-store`
 * (the scope is not there, or not the caller's), `missing`, `extra`, `duplicate`, `reordered`,
 * `mismatch` (another event in this place) and `field` (this event, one field differs).
 */
export type VerdictKind =
  | 'malformed'
  | 'chain'
  | 'truncated'
  | 'count'
  | 'trailer'
  | 'unsigned'
  | 'unknown-key'
  | 'signature'
  | 'scope'
  | 'not-in-store'
  | 'missing'
  | 'extra'
  | 'duplicate'
  | 'reordered'
  | 'mismatch'
  | 'field';

export type Verdict =
  | {
      readonly ok: true;
      readonly scope: string;
      readonly count: number;
      readonly headHash: string;
      readonly keyId: string;
      /** Whether every line was also compared with the store (false: offline, file and key only). */
      readonly comparedWithStore: boolean;
    }
  | {
      readonly ok: false;
      readonly kind: VerdictKind;
      /** The first line (1-based) that does not hold; the trailer's line number for what concerns the whole file. */
      readonly line: number;
      /** The differing field (`metadata.actorId`, `created`, ...) when `kind` is `field`. */
      readonly field?: string;
      readonly problem: string;
    };

export type Refusal = Extract<Verdict, { ok: false }>;

/**
 * The store's events the export must equal, one for each line, in order; or why there are none
 * (`not-in-store`). Given the verified trailer, so the reference stops where the export stopped.
 */
export type StoreReference = (
  trailer: ExportTrailer,
) => Promise<AsyncIterable<ReferenceEvent> | { readonly absent: string }>;

/**
 * A store event as the line must be; `orRevealed`: the same event with its quarantined content
 * and the reveal it is shown under, which the line may be instead (the verifying auditor's own reveal).
 */
export type ReferenceEvent = ExportedEvent & { readonly orRevealed?: ExportedEvent };

export interface VerifyOptions {
  /** The keys whose signatures are trusted. */
  readonly keys: readonly ExportVerifyKey[];
  /** Given the trailer's scope, the scope the caller expects (a refusal `scope` when different), or undefined to accept any. */
  readonly expectScope?: (scope: string) => string | undefined;
  /** Omitted: offline, the file and the key alone. */
  readonly reference?: StoreReference;
}

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.problem);
  }
}

const refuse = (kind: VerdictKind, line: number, problem: string, field?: string): never => {
  throw new Refused(
    field === undefined ? { ok: false, kind, line, problem } : { ok: false, kind, line, problem, field },
  );
};

const DIGITS = /^\d+$/;
const HEX64 = /^[0-9a-f]{64}$/;
const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The one verification of an export, for `helpdesk export verify` (offline or with the store) and
 * GraphQL `verifyConversationExport`: the file's chain and signed trailer first, then, with a
 * reference, every line against the store. The first thing that does not hold is the verdict.
 */
export async function verifyExport(lines: LineSource, options: VerifyOptions): Promise<Verdict> {
  try {
    const trailer = await checkFile(lines, options);
    if (options.reference) await compareWithStore(lines, trailer, options.reference);
    return {
      ok: true,
      scope: trailer.scope,
      count: trailer.count,
      headHash: trailer.headHash,
      keyId: trailer.keyId,
      comparedWithStore: options.reference !== undefined,
    };
  } catch (error) {
    if (error instanceof Refused) return error.refusal;
    if (error instanceof LineTooLongError)
      return { ok: false, kind: 'malformed', line: error.line, problem: `line longer than ${error.maxBytes} bytes` };
    throw error;
  }
}

function parseLine(text: string, number: number): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return refuse('malformed', number, 'not valid JSON');
  }
  if (!isObject(parsed)) return refuse('malformed', number, 'not a JSON object');
  return parsed;
}

function eventOf(
  parsed: Record<string, unknown>,
  number: number,
): { event: ExportedEvent; prevHash: unknown; hash: unknown } {
  const { prevHash, hash, ...event } = parsed;
  const position = event.position;
  const wellFormed =
    typeof event.stream === 'string' &&
    typeof event.revision === 'string' &&
    DIGITS.test(event.revision) &&
    isObject(position) &&
    typeof position.commit === 'string' &&
    DIGITS.test(position.commit) &&
    typeof position.prepare === 'string' &&
    DIGITS.test(position.prepare) &&
    typeof event.id === 'string' &&
    typeof event.type === 'string' &&
    typeof event.created === 'string' &&
    'data' in event &&
    isObject(event.metadata) &&
    Object.keys(event).length === ('revealed' in event ? 9 : 8) &&
    (!('revealed' in event) || isRevealMark(event.revealed));
  if (!wellFormed)
    refuse(
      'malformed',
      number,
      'not an exported event (stream, revision, position, id, type, data, metadata, created, optional revealed)',
    );
  return { event: event as unknown as ExportedEvent, prevHash, hash };
}

function isRevealMark(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.by === 'string' &&
    typeof value.at === 'string' &&
    typeof value.reason === 'string' &&
    Object.keys(value).length === 3
  );
}

function hashChecked(prevHash: string, event: ExportedEvent, number: number): string {
  try {
    return hashOf(prevHash, event);
  } catch (error) {
    if (error instanceof JsonTooDeepError) return refuse('malformed', number, error.message);
    throw error;
  }
}

/** A value from the file as a problem may quote it: JSON, at most 80 characters. */
const shown = (value: unknown): string => {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

const sameRef = (a: EventRef | null, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

/** The file alone: every line's hash, then the trailer (count, first, last, head hash, key, signature, scope). */
async function checkFile(lines: LineSource, options: VerifyOptions): Promise<ExportTrailer> {
  let prevHash = GENESIS_HASH;
  let count = 0;
  let first: EventRef | null = null;
  let last: EventRef | null = null;
  let trailer: { value: Record<string, unknown>; line: number } | null = null;
  let number = 0;
  for await (const text of lines()) {
    number += 1;
    if (trailer) refuse('malformed', number, 'a line after the trailer');
    const parsed = parseLine(text, number);
    if (parsed.summary === true)
      refuse('unsigned', number, 'an unsigned v1 export (summary line): it proves nothing, export it again');
    if ('format' in parsed) {
      trailer = { value: parsed, line: number };
      continue;
    }
    const { event, prevHash: claimedPrev, hash } = eventOf(parsed, number);
    if (claimedPrev !== prevHash)
      refuse(
        'chain',
        number,
        "prevHash is not the previous line's hash: a line was removed, added or moved before this one",
      );
    const expected = hashChecked(prevHash, event, number);
    if (hash !== expected) refuse('chain', number, 'hash mismatch: the line was changed after export');
    prevHash = expected;
    count += 1;
    first ??= refOf(event);
    last = refOf(event);
  }
  if (!trailer) return refuse('truncated', number + 1, 'no signed trailer: the file was cut off, or is not an export');
  try {
    return checkTrailer(trailer.value, trailer.line, { count, first, last, headHash: prevHash }, options);
  } catch (error) {
    if (error instanceof JsonTooDeepError) return refuse('malformed', trailer.line, error.message);
    throw error;
  }
}

interface FileSummary {
  readonly count: number;
  readonly first: EventRef | null;
  readonly last: EventRef | null;
  readonly headHash: string;
}

function checkTrailer(
  value: Record<string, unknown>,
  line: number,
  { count, first, last, headHash: prevHash }: FileSummary,
  options: VerifyOptions,
): ExportTrailer {
  if (value.format !== EXPORT_FORMAT) refuse('malformed', line, `unknown export format ${shown(value.format)}`);
  if (
    typeof value.scope !== 'string' ||
    typeof value.keyId !== 'string' ||
    typeof value.signature !== 'string' ||
    value.alg !== SIGNATURE_ALGORITHM
  ) {
    refuse('malformed', line, 'not a signed trailer (scope, alg, keyId, signature)');
  }
  if (value.count !== count)
    refuse('count', line, `the trailer counts ${shown(value.count)} events, the file has ${count}`);
  if (value.headHash !== prevHash || !HEX64.test(prevHash))
    refuse('chain', line, "the trailer's head hash is not the last line's hash");
  if (!sameRef(first, value.first) || !sameRef(last, value.last))
    refuse('trailer', line, "the trailer's first or last position is not the file's");
  const key = options.keys.find((candidate) => candidate.keyId === value.keyId);
  const trusted = options.keys.map((candidate) => candidate.keyId).join(', ') || 'none';
  if (!key)
    refuse('unknown-key', line, `signed with key ${shown(value.keyId)}, not a trusted key (trusted: ${trusted})`);
  if (!key!.verify(signedBytesOf(value as unknown as ExportTrailer), value.signature as string)) {
    refuse(
      'signature',
      line,
      `the signature does not match key ${shown(value.keyId)}: the file was rewritten after export`,
    );
  }
  const expected = options.expectScope?.(value.scope as string);
  if (expected !== undefined && expected !== value.scope)
    refuse('scope', line, `an export of ${String(value.scope)}, not of ${expected}`);
  return value as unknown as ExportTrailer;
}

const FIELDS = ['stream', 'revision', 'position', 'id', 'type', 'created'] as const;

/** The first field in which the file's event differs from the store's: `stream` ... `created`, `metadata.<key>`, `data`, then `revealed`. */
export function firstDifference(file: ExportedEvent, stored: ExportedEvent): string | null {
  for (const field of FIELDS) if (canonicalJson(file[field]) !== canonicalJson(stored[field])) return field;
  const fileMeta = (file.metadata ?? {}) as Record<string, unknown>;
  const storedMeta = (stored.metadata ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(fileMeta), ...Object.keys(storedMeta)])].sort();
  for (const key of keys)
    if (canonicalJson(fileMeta[key] ?? null) !== canonicalJson(storedMeta[key] ?? null)) return `metadata.${key}`;
  if (canonicalJson(file.data) !== canonicalJson(stored.data)) return 'data';
  if (canonicalJson(file.revealed ?? null) !== canonicalJson(stored.revealed ?? null)) return 'revealed';
  return null;
}

const where = (event: ExportedEvent) => `${event.stream}@${event.revision}`;
const described = (event: ExportedEvent) => `${where(event)} (${event.type} ${event.id})`;

/**
 * Reads the file's event lines a second time, re-checking the chain as it goes: a file that
 * changed since the first reading ends in another head hash and is refused.
 */
async function* fileEvents(lines: LineSource, trailer: ExportTrailer): AsyncGenerator<ExportedEvent> {
  let prevHash = GENESIS_HASH;
  let number = 0;
  for await (const text of lines()) {
    number += 1;
    const parsed = parseLine(text, number);
    if ('format' in parsed) break;
    const { event, prevHash: claimedPrev, hash } = eventOf(parsed, number);
    if (claimedPrev !== prevHash || hash !== hashChecked(prevHash, event, number))
      refuse('chain', number, 'the file changed while it was being verified');
    prevHash = hash as string;
    yield event;
  }
  if (prevHash !== trailer.headHash || number !== trailer.count + 1)
    refuse('chain', number, 'the file changed while it was being verified');
}

async function next<T>(iterator: AsyncIterator<T>): Promise<T | undefined> {
  const step = await iterator.next();
  return step.done ? undefined : step.value;
}

/**
 * The whole sequence against the store's: count, order and every field. Lookahead of one on each
 * side tells a missing, duplicated or swapped line from a changed one.
 */
async function compareWithStore(lines: LineSource, trailer: ExportTrailer, reference: StoreReference): Promise<void> {
  const source = await reference(trailer);
  const trailerLine = trailer.count + 1;
  if ('absent' in source) return refuse('not-in-store', trailer.count > 0 ? 1 : trailerLine, source.absent);
  const file = fileEvents(lines, trailer)[Symbol.asyncIterator]();
  const stored = source[Symbol.asyncIterator]();
  let fileEvent = await next(file);
  let fileNext = await next(file);
  let storedEvent = await next(stored);
  let storedNext = await next(stored);
  let previous: ExportedEvent | undefined;
  let number = 1;
  try {
    while (fileEvent) {
      if (!storedEvent) {
        if (previous && previous.id === fileEvent.id)
          refuse('duplicate', number, `repeats the previous line's event ${described(fileEvent)}`);
        refuse('extra', number, `${described(fileEvent)} is not in the store after line ${number - 1}'s event`);
      }
      const expected = storedEvent!;
      if (fileEvent.id !== expected.id) {
        if (previous && previous.id === fileEvent.id)
          refuse('duplicate', number, `repeats the previous line's event ${described(fileEvent)}`);
        if (storedNext && fileNext && fileEvent.id === storedNext.id && fileNext.id === expected.id) {
          refuse(
            'reordered',
            number,
            `lines ${number} and ${number + 1} are swapped: the store has ${described(expected)} first`,
          );
        }
        if (storedNext && fileEvent.id === storedNext.id)
          refuse('missing', number, `the store's ${described(expected)} is missing before this line`);
        if (fileEvent.stream !== expected.stream || fileEvent.revision !== expected.revision) {
          refuse('mismatch', number, `${described(fileEvent)} where the store has ${described(expected)}`);
        }
      }
      const field = firstDifference(fileEvent, expected);
      const asRevealed = expected.orRevealed && firstDifference(fileEvent, expected.orRevealed) === null;
      if (field && !asRevealed) refuse('field', number, `${where(expected)}: ${field} differs from the store`, field);
      previous = fileEvent;
      fileEvent = fileNext;
      fileNext = await next(file);
      storedEvent = storedNext;
      storedNext = await next(stored);
      number += 1;
    }
    if (storedEvent) refuse('missing', trailerLine, `the store's ${described(storedEvent)} is missing at the end`);
  } finally {
    await file.return?.(undefined);
    await stored.return?.(undefined);
  }
}
