import type { ReadReq } from '@eventstore/db-client/generated/streams_pb.js';
import type { LogRecord } from './log-record.js';

/** Which `$all` records a filtered read or subscription passes on. */
export interface EventFilter {
  matches(record: LogRecord): boolean;
}

/** The real server's page size, used as the search window when the client sets `count`. */
const DEFAULT_SEARCH_WINDOW = 32;

/**
 * Same rules as the real server: the filter is on the event type or on the stream name; a
 * non-empty `regex` wins over `prefix` (a regex is searched, not anchored, as .NET's
 * Regex.IsMatch); prefixes are plain `startsWith`, so an empty prefix list matches nothing.
 */
export function eventFilterOf(options: ReadReq.Options.FilterOptions): EventFilter | undefined {
  const onEventType = options.hasEventType();
  const expression = onEventType ? options.getEventType() : options.getStreamIdentifier();
  if (!expression) return undefined;
  const subject = onEventType
    ? (record: LogRecord): string => record.type
    : (record: LogRecord): string => record.streamName;
  const regex = expression.getRegex();
  if (regex) {
    const pattern = new RegExp(regex);
    return { matches: (record) => pattern.test(subject(record)) };
  }
  const prefixes = expression.getPrefixList();
  return { matches: (record) => prefixes.some((prefix) => subject(record).startsWith(prefix)) };
}

/**
 * A filtered subscription sends a checkpoint every `window × checkpointIntervalMultiplier`
 * scanned records; the window is `max` when the client gave one, else the default page size.
 */
export function checkpointIntervalOf(options: ReadReq.Options.FilterOptions): number {
  return searchWindowOf(options) * Math.max(1, options.getCheckpointintervalmultiplier());
}

/** Records a filtered catch-up considers per page (Enumerator.DefaultReadBatchSize when not given). */
export function searchWindowOf(options: ReadReq.Options.FilterOptions): number {
  return Math.max(1, options.hasMax() ? options.getMax() : DEFAULT_SEARCH_WINDOW);
}
