/**
 * `atLeastPosition` on the embedded store: a position the read models have already applied is
 * answered at once, without reading the log's head or the checkpoints again; one they have not
 * is awaited; one past the head is refused.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Position, type SqliteEventStore, comparePositions, openSqliteEventStore } from '@helpdesk/event-store';
import type { ProjectionsService } from '../projections/projections.service.js';
import { formatPosition } from './positions.js';
import { ReadYourWrites } from './read-your-writes.js';

/** The read models' side as ReadYourWrites sees it: applied up to `applied`, waits recorded. */
class ReadModelsAt {
  readonly waits: Position[] = [];
  private readonly release: (() => void)[] = [];
  constructor(public applied: Position) {}
  hasApplied(position: Position): boolean {
    return comparePositions(position, this.applied) <= 0;
  }
  whenCaughtUp(position: Position): Promise<void> {
    this.waits.push(position);
    return new Promise((resolve) => this.release.push(resolve));
  }
  catchUp(): void {
    for (const resolve of this.release.splice(0)) resolve();
  }
}

let dataDir: string;
let store: SqliteEventStore;
let positions: Position[];
let headReads: number;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'read-your-writes-'));
  store = openSqliteEventStore({ dataDir });
  positions = [];
  for (let n = 0; n < 3; n++) {
    const result = await store.append(`noted-${n}`, [{ id: randomUUID(), type: 'Noted', data: { n } }], 'any');
    positions.push(result.position);
  }
  headReads = 0;
  const readAll = store.readAll.bind(store);
  store.readAll = (options) => {
    if (options?.direction === 'backwards') headReads++;
    return readAll(options);
  };
});
afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const reader = (readModels: ReadModelsAt) => new ReadYourWrites(readModels as unknown as ProjectionsService, store);

it('answers a position already applied at once: no wait, no read of the head', async () => {
  const readModels = new ReadModelsAt(positions[1]);
  await reader(readModels).atLeast(formatPosition(positions[0]));
  await reader(readModels).atLeast(formatPosition(positions[1]));
  expect(readModels.waits).toEqual([]);
  expect(headReads).toBe(0);
});

it('waits for a position in the log the read models have not applied yet', async () => {
  const readModels = new ReadModelsAt(positions[0]);
  let answered = false;
  const answer = reader(readModels)
    .atLeast(formatPosition(positions[2]))
    .then(() => (answered = true));
  while (readModels.waits.length === 0) await new Promise((resolve) => setImmediate(resolve));
  expect(readModels.waits).toEqual([positions[2]]);
  expect(answered).toBe(false);
  readModels.catchUp();
  await answer;
  expect(headReads).toBe(1);
});

it('refuses a position past the head, as an unknown one, and waits for nothing', async () => {
  const readModels = new ReadModelsAt(positions[2]);
  const past = { commit: positions[2].commit + 1000n, prepare: positions[2].prepare + 1000n };
  await expect(reader(readModels).atLeast(formatPosition(past))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  await expect(reader(readModels).atLeast('not:a position')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  expect(readModels.waits).toEqual([]);
});
