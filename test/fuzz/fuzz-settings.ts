/**
 * How many cases and which seed: a fixed seed in CI, FUZZ_CASES / FUZZ_SEED to run more or another
 * stream, FUZZ_CASE to replay one case of a run alone (with its run's FUZZ_SEED).
 */
export interface FuzzSettings {
  readonly seed: number;
  readonly cases: readonly number[];
}

export function fuzzSettings(defaultCases: number, defaultSeed: number): FuzzSettings {
  const seed = integerFrom('FUZZ_SEED', defaultSeed);
  const only = process.env.FUZZ_CASE;
  if (only !== undefined && only !== '') return { seed, cases: [integerFrom('FUZZ_CASE', 0)] };
  const count = integerFrom('FUZZ_CASES', defaultCases);
  return { seed, cases: Array.from({ length: count }, (_, index) => index) };
}

/** Wraps a failing case's error with what it takes to run it again. */
export function failedCase(error: unknown, seed: number, index: number, description: string): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(
    `Fuzz case ${index} failed (reproduce with FUZZ_SEED=${seed} FUZZ_CASE=${index}): ${description}\n${reason}`,
  );
}

function integerFrom(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0)
    throw new Error(`${name} must be a non-negative integer (got '${value}')`);
  return number;
}
