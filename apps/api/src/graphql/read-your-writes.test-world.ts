import type { INestApplicationContext } from '@nestjs/common';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { formatPosition, parsePosition } from './positions.js';

/** A booted service, as every API test world has one. */
interface WithApp {
  readonly app: INestApplicationContext;
}

/** Reads a read model once it has applied a mutation's events (the position it returned). */
export function readModelsAt(world: WithApp) {
  const db: ReadDatabase = world.app.get(ReadStore).db;
  return async <T>(position: string, read: (db: ReadDatabase) => Promise<T>): Promise<T> => {
    await world.app.get(ProjectionsService).whenCaughtUp(parsePosition(position)!);
    return read(db);
  };
}

/**
 * The end of the log, as a mutation would have returned it: commands without a position of their
 * own (contacts, channels) are waited for by passing it as `atLeastPosition`.
 */
export async function logHead(world: WithApp): Promise<string> {
  const store = world.app.get<EventStore>(EVENT_STORE);
  for await (const event of store.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1 })) {
    return formatPosition(event.position);
  }
  throw new Error('The log is empty');
}
