import { BatchLoader } from './batch-loader.js';

/** Values are the key upper-cased; 'missing' has none. Every call to the batch function is recorded. */
function recordingLoader(maxBatchSize?: number, fail = false) {
  const batches: string[][] = [];
  const loader = new BatchLoader<string, string>(
    async (keys) => {
      batches.push([...keys]);
      await Promise.resolve();
      if (fail) throw new Error('read store down');
      return keys.map((key) => (key === 'missing' ? null : key.toUpperCase()));
    },
    (key) => key,
    maxBatchSize,
  );
  return { loader, batches };
}

/** What a resolver does before it reaches the loader: a few promise hops of its own. */
async function afterHops<T>(hops: number, load: () => Promise<T>): Promise<T> {
  for (let hop = 0; hop < hops; hop++) await Promise.resolve();
  return load();
}

describe('BatchLoader', () => {
  it('loads the keys of one wave in one batch, each answer to its own key, null where there is none', async () => {
    const { loader, batches } = recordingLoader();
    const answers = await Promise.all(
      ['a', 'b', 'missing', 'c'].map((key, index) => afterHops(index * 3, () => loader.load(key))),
    );
    expect(answers).toEqual(['A', 'B', null, 'C']);
    expect(batches).toEqual([['a', 'b', 'missing', 'c']]);
  });

  it('asks for a key once: twice in a wave, or again in a later wave, is answered from the request cache', async () => {
    const { loader, batches } = recordingLoader();
    expect(await Promise.all([loader.load('a'), loader.load('a'), loader.load('b')])).toEqual(['A', 'A', 'B']);
    expect(await Promise.all([loader.load('a'), loader.load('c')])).toEqual(['A', 'C']);
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  it('splits a wave bigger than the batch size into several batches', async () => {
    const { loader, batches } = recordingLoader(2);
    expect(await Promise.all(['a', 'b', 'c', 'd', 'e'].map((key) => loader.load(key)))).toEqual([
      'A',
      'B',
      'C',
      'D',
      'E',
    ]);
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('fails every key of a failed batch, and forgets them so a later load tries again', async () => {
    const { loader, batches } = recordingLoader(undefined, true);
    const answers = await Promise.allSettled([loader.load('a'), loader.load('b')]);
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
    await expect(loader.load('a')).rejects.toThrow('read store down');
    expect(batches).toEqual([['a', 'b'], ['a']]);
  });

  it('refuses a batch function that answers for the wrong number of keys', async () => {
    const loader = new BatchLoader<string, string>(
      async () => ['only one'],
      (key) => key,
    );
    await expect(Promise.all([loader.load('a'), loader.load('b')])).rejects.toThrow('answered 1 values for 2 keys');
  });
});
