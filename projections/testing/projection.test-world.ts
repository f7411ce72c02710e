import type { Fact } from '@helpdesk/domain/fixtures';
import type { ReadStore } from '@helpdesk/read-store';
import type { Projection } from '../core/projection.js';
import { ProjectionRunner } from '../core/projection-runner.js';
import type { ReadDatabase } from '../core/read-model-schema.js';
import type { ReadStoreUnderTest } from '../core/read-stores-under-test.js';
import { type EventWorld, type WorldOptions, openEventWorld } from './event.test-world.js';

export type { EventWorld, WorldOptions } from './event.test-world.js';

type Facts = readonly (readonly Fact[])[];

/**
 * A projection spec in three steps: `given` the history, `when` the events under test happen,
 * `then` read what the projection made of them. Nothing is appended until `then`; each step is
 * appended in order, and `then` reads once the live runner has applied every event.
 */
export interface Scenario {
  /** The events under test, appended after the history. */
  when(...facts: Facts): Scenario;
  /**
   * Appends the history, then the events under test, waits for the projection and returns what
   * `read` finds in the read store (the read store itself without `read`).
   */
  then<T = ReadDatabase>(
    read?: (db: ReadDatabase) => T | Promise<T>,
    onRejected?: (error: unknown) => never,
  ): Promise<T>;
}

export interface ProjectionWorld {
  /** The event world: a portal, one connected number, one approved template, over a real store. */
  readonly world: EventWorld;
  readonly db: ReadDatabase;
  /** Starts a scenario with `facts` as its history (appended after the world's own setup). */
  given(...facts: Facts): Scenario;
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
  let opened:
    { world: EventWorld; readStore: ReadStore; dispose(): Promise<void>; runner: ProjectionRunner } | undefined;
  const current = () => {
    if (!opened) throw new Error('no projection world: used outside a test');
    return opened;
  };

  beforeEach(async () => {
    const world = await openEventWorld(options);
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

  const projectionWorld: ProjectionWorld = {
    get world() {
      return current().world;
    },
    get db() {
      return current().readStore.db;
    },
    given: (...history) => scenario(projectionWorld, history, []),
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
  return projectionWorld;
}

function scenario(world: ProjectionWorld, history: Facts, events: Facts): Scenario {
  return {
    when: (...more) => scenario(world, history, [...events, ...more]),
    then(read, onRejected) {
      const run = async () => {
        await world.world.append(...history);
        await world.world.append(...events);
        await world.caughtUp();
        return read ? read(world.db) : (world.db as never);
      };
      const result = run();
      return onRejected ? result.catch(onRejected) : result;
    },
  };
}
