import type { ProposedEvent } from './log-record.js';

/** The real server's Event.SizeOnDisk: data + metadata + two bytes per event-type character. */
export const sizeOnDisk = (event: ProposedEvent): number =>
  event.data.length + event.customMetadata.length + event.type.length * 2;

/** The real server's default `MaxAppendSize` (1 MiB per append). */
export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;
