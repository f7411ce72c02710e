/**
 * What a writer expects the stream's current revision to be: the `expected_stream_revision`
 * oneof of the Append / BatchAppend / Delete / Tombstone options, as one type.
 */
export type ExpectedRevision =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'exact'; readonly revision: number };

/**
 * The signed number the real server uses internally (and puts in the `expected-version`
 * trailer of a Delete/Tombstone wrong-expected-version error): any = -2, no_stream = -1,
 * stream_exists = -4, otherwise the revision itself.
 */
export function legacyExpectedVersion(expected: ExpectedRevision): number {
  switch (expected.kind) {
    case 'any':
      return -2;
    case 'no_stream':
      return -1;
    case 'stream_exists':
      return -4;
    case 'exact':
      return expected.revision;
  }
}
