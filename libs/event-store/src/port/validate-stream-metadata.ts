import { InvalidEventError } from './errors.js';
import type { StreamMetadata } from './event-store.port.js';

/**
 * EventStoreDB ignores a stream's whole metadata, `$tb` and soft delete included, when one value
 * is out of range (`$maxCount` or `$maxAge` <= 0, `$tb` < 0): truncated or deleted events would
 * become readable again. Both adapters refuse such metadata before writing anything.
 */
export function validateStreamMetadata(metadata: StreamMetadata): void {
  if (metadata.maxCount !== undefined) requireInteger('maxCount', metadata.maxCount, 1);
  if (metadata.maxAge !== undefined) requireInteger('maxAge', metadata.maxAge, 1);
  if (metadata.truncateBefore !== undefined && metadata.truncateBefore < 0n) {
    throw new InvalidEventError(
      `Stream metadata truncateBefore must be 0 or more, got ${metadata.truncateBefore.toString()}`,
    );
  }
}

function requireInteger(field: string, value: number, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new InvalidEventError(
      `Stream metadata ${field} must be a whole number of at least ${minimum}, got ${String(value)}: ` +
        'EventStoreDB would ignore all of the stream metadata (truncation and soft delete included)',
    );
  }
}
