import { DomainError } from '../../libs/domain/src/core/index.js';

/** The DomainError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function refusalOf(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

/** The code of the DomainError `run` throws; undefined when it returns. Any other error is thrown on. */
export function refusalCodeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
}
