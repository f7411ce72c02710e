/**
 * Checkpoints read several at once (the API's read-your-writes wait reads every read model's at
 * each commit it hears of): the same answers as one by one, in the order asked, on both stores.
 */
import { readCheckpoint, readCheckpoints, recordFailure, writeCheckpoint } from './checkpoints.js';
import { readStoresUnderTest } from './read-stores-under-test.js';
import { ensureCheckpointsTable } from './read-model-schema.js';

const at = (n: number) => ({ commit: BigInt(n), prepare: BigInt(n) });
const now = new Date('2026-12-07T06:00:00.000Z');

describe.each(readStoresUnderTest())('readCheckpoints on $name', (store) => {
  it('answers in the order asked, each for its own version, null where there is none', async () => {
    const { readStore, dispose } = await store.open();
    try {
      const db = readStore.db;
      await ensureCheckpointsTable(db);
      await writeCheckpoint(db, 'ticket_list', 3, at(40), 40, now);
      await writeCheckpoint(db, 'ticket_list', 2, at(90), 90, now);
      await writeCheckpoint(db, 'thread', 1, at(12), 12, now);
      await recordFailure(db, 'search', 1, 'constraint failed', now);
      const keys = [
        { name: 'thread', version: 1 },
        { name: 'ticket_list', version: 3 },
        { name: 'search', version: 1 },
        { name: 'quota', version: 1 },
        { name: 'thread', version: 2 },
      ];
      const together = await readCheckpoints(db, keys);
      const oneByOne = await Promise.all(keys.map(({ name, version }) => readCheckpoint(db, name, version)));
      expect(together).toEqual(oneByOne);
      expect(together.map((checkpoint) => checkpoint?.position ?? null)).toEqual([at(12), at(40), null, null, null]);
      expect(together[2]?.lastError).toBe('constraint failed');
      expect(await readCheckpoints(db, [])).toEqual([]);
    } finally {
      await dispose();
    }
  });
});
