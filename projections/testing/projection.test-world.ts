import type { ReadStore } from '@helpdesk/read-store';
import { type World, type WorldOptions, openWorld } from '@helpdesk/commands/conversation/conversation.test-world.js';
import type { Projection } from '../core/projection.js';
import { ProjectionRunner } from '../core/projection-runner.js';
import type { ReadDatabase } from '../core/read-model-schema.js';
import type { ReadStoreUnderTest } from '../core/read-stores-under-test.js';

export interface ProjectionWorld {
  /** The conversation test world: a portal, one connected number, one approved template. */
  readonly world: World;
  readonly db: ReadDatabase;
  /** Resolves once the projection applied every event written so far. */
  caughtUp(): Promise<void>;
  /** Runs `read` on a fresh read store filled by replaying the whole history. */
  rebuilt<T>(read: (db: ReadDatabase) => Promise<T>): Promise<T>;
}

/**
 * Registers the hooks that give every test of the enclosing `describe` a fresh world and a
 * runner of `projection` on the given read store, stopped and removed after the test.
 */
export function useProjectionWorld(
  projection: Projection,
  readStoreUnderTest: ReadStoreUnderTest,
  options: WorldOptions,
): ProjectionWorld {
  let opened: { world: World; readStore: ReadStore; dispose(): Promise<void>; runner: ProjectionRunner } | undefined;
  const current = () => {
    if (!opened) throw new Error('no projection world: used outside a test');
    return opened;
  };

  beforeEach(async () => {
    const world = await openWorld(options);
    const { readStore, dispose } = await readStoreUnderTest.open();
    const runner = new ProjectionRunner(world.store, readStore.db, projection);
    await runner.start();
    opened = { world, readStore, dispose, runner };
  });

  afterEach(async () => {
    const done = opened;
    opened = undefined;
    if (!done) return;
    await done.runner.stop();
    await done.dispose();
    await done.world.close();
  });

  return {
    get world() {
      return current().world;
    },
    get db() {
      return current().readStore.db;
    },
    async caughtUp() {
      const { world, runner } = current();
      let last;
      for await (const event of world.store.readAll({ direction: 'backwards', maxCount: 1 })) last = event.position;
      await runner.whenCaughtUp(last);
    },
    async rebuilt(read) {
      const rebuilt = await readStoreUnderTest.open();
      const rebuilder = new ProjectionRunner(current().world.store, rebuilt.readStore.db, projection);
      try {
        await rebuilder.start();
        await rebuilder.whenCaughtUp();
        return await read(rebuilt.readStore.db);
      } finally {
        await rebuilder.stop();
        await rebuilt.dispose();
      }
    },
  };
}
