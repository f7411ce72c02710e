import { createHash } from 'node:crypto';

const NAMESPACE = Buffer.from('6f1c9b3e6a7d4c55a1e2f0b9c8d7e6a5', 'hex');

/**
 * A name-based (v5) UUID: the same idempotency key always yields the same event ids, so a
 * retried command re-appends identical ids and the store treats it as a no-op.
 */
export function deterministicEventId(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
