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

function recordingCheckpoint(): { readonly written: bigint[]; readonly checkpoint: StreamCheckpoint } {
  const written: bigint[] = [];
  const checkpoint = {
    write: async (position: Position) => void written.push(position.commit),
  } as unknown as StreamCheckpoint;
  return { written, checkpoint };
}

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
});
