/** One entry of a rule's history: in force from `effectiveFrom` (an ISO instant, UTC) until the next entry's. */
export interface Versioned {
  readonly version: string;
  readonly effectiveFrom: string;
}

/** The entry in force at `instant`: the latest effective date not after it (the later entry wins a tie). */
export function inForceAt<Entry extends Versioned>(timeline: readonly Entry[], instant: Date, what: string): Entry {
  const at = instant.getTime();
  let inForce: Entry | undefined;
  for (const entry of timeline) {
    const from = Date.parse(entry.effectiveFrom);
    if (from <= at && (!inForce || from >= Date.parse(inForce.effectiveFrom))) inForce = entry;
  }
  // Nothing happened before the first entry: asking about an earlier instant is a bug, not a refusal.
  if (!inForce) throw new RangeError(`No ${what} rule in force at ${instant.toISOString()}`);
  return inForce;
}

/**
 * A short fingerprint of rule entries (FNV-1a over their JSON), so a read model can say which
 * rules it was built under and notice an edited entry even if its version name was kept.
 */
export function fingerprint(value: unknown): string {
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify(value)) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
