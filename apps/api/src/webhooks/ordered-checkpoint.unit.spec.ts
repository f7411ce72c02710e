import type { Position, StreamCheckpoint } from '@helpdesk/event-store';
import { OrderedCheckpoint } from './ordered-checkpoint.js';
import { ProcessingProgress } from './processing-progress.js';

const at = (n: number): Position => ({ commit: BigInt(n), prepare: BigInt(n) });

function deferred(): { readonly promise: Promise<void>; resolve(): void; reject(error: Error): void } {
  let resolve = () => undefined as void;
  let reject = (_error: Error) => undefined as void;
  const promise = new Promise<void>((ok, fail) => ((resolve = ok), (reject = fail)));
  return { promise, resolve, reject };
}

function recordingCheckpoint(): {
  readonly written: bigint[];
  readonly checkpoint: StreamCheckpoint;
  /** Resolves once `count` writes have been made. */
  writes(count: number): Promise<void>;
} {
  const written: bigint[] = [];
  const waiting: { readonly count: number; resolve(): void }[] = [];
  const checkpoint = {
    write: async (position: Position) => {
      written.push(position.commit);
      for (const waiter of waiting.filter((candidate) => written.length >= candidate.count)) waiter.resolve();
    },
  } as unknown as StreamCheckpoint;
  const writes = (count: number) =>
    written.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count, resolve }));
  return { written, checkpoint, writes };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('OrderedCheckpoint', () => {
  it('moves past a position only once everything before it is done', async () => {
    const { written, checkpoint } = recordingCheckpoint();
    const progress = new ProcessingProgress();
    const ordered = new OrderedCheckpoint(checkpoint, progress);
    const [first, second, third] = [deferred(), deferred(), deferred()];
    ordered.track(at(1), first.promise);
    ordered.track(at(2), second.promise);
    ordered.track(at(3), third.promise);
    third.resolve();
    second.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual([]);
    expect(progress.processedUpTo).toBeNull();
    first.resolve();
    await ordered.settled();
    expect(written.at(-1)).toBe(3n);
    expect(progress.processedUpTo).toEqual(at(3));
  });

  it('stops at a failed payload and says so', async () => {
    const { written, checkpoint } = recordingCheckpoint();
    const ordered = new OrderedCheckpoint(checkpoint, new ProcessingProgress());
    const failing = deferred();
    ordered.track(at(1), Promise.resolve());
    ordered.track(at(2), failing.promise);
    ordered.track(at(3), Promise.resolve());
    failing.reject(new Error('aborted'));
    await ordered.settled();
    expect(written).toEqual([1n]);
    expect(() => ordered.throwIfFailed()).toThrow('aborted');
  });

  it('writes at most once per interval, only the furthest position, and at once when settled', async () => {
    const { written, checkpoint } = recordingCheckpoint();
    const progress = new ProcessingProgress();
    // An interval no test run reaches: any write after the first comes from `settled`.
    const ordered = new OrderedCheckpoint(checkpoint, progress, 3_600_000);
    ordered.track(at(1), Promise.resolve());
    await turn();
    expect(written).toEqual([1n]);
    ordered.track(at(2), Promise.resolve());
    ordered.track(at(3), Promise.resolve());
    await turn();
    // Processed, and said so, before the checkpoint is durable.
    expect(progress.processedUpTo).toEqual(at(3));
    expect(written).toEqual([1n]);
    await ordered.settled();
    expect(written).toEqual([1n, 3n]);
  });

  it('writes the trailing position once the interval has passed, unasked', async () => {
    const { written, checkpoint, writes } = recordingCheckpoint();
    const ordered = new OrderedCheckpoint(checkpoint, new ProcessingProgress(), 5);
    ordered.track(at(1), Promise.resolve());
    ordered.track(at(2), Promise.resolve());
    await writes(1);
    ordered.track(at(3), Promise.resolve());
    await writes(2);
    expect(written.at(-1)).toBe(3n);
    expect(written.length).toBe(2);
  });
});
