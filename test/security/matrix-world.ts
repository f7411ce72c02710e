import type { Position, RecordedEvent } from '@helpdesk/event-store';
import type { Role } from '@helpdesk/auth';
import type { Target } from './field-rule.js';
import { type GraphqlAnswer, type PortalsWorld, type PortalsWorldOptions, openPortalsWorld } from './portals.world.js';
import { seedPortal } from './seed-portals.js';

export const EVERY_ROLE: readonly Role[] = ['agent', 'admin', 'auditor', 'operator'];

/** Two seeded portals: acme is the victim, globex the other tenant. */
export async function openMatrixWorld(options: PortalsWorldOptions = {}) {
  const world: PortalsWorld = await openPortalsWorld(options);
  const acmeIds = await seedPortal(world, 'acme');
  // The victim's streams: everything written while only acme existed.
  const victimStreams = new Set((await world.eventsAfter(null)).map((event) => event.streamName));
  const globexIds = await seedPortal(world, 'globex');
  await world.settled();
  const acme = { ...acmeIds, exportNdjson: await exportOf(world, acmeIds.portalId, acmeIds.conversationId) };
  const globex = { ...globexIds, exportNdjson: await exportOf(world, globexIds.portalId, globexIds.conversationId) };

  return {
    world,
    acme: acme as Target,
    globex: globex as Target,
    /** Runs `act` and gives back its answer with every event it appended. */
    async observe<T>(act: () => Promise<T>): Promise<{ answer: T; appended: RecordedEvent[] }> {
      const before: Position | null = await world.head();
      const answer = await act();
      return { answer, appended: await world.eventsAfter(before) };
    },
    touchesVictim(event: RecordedEvent): boolean {
      return victimStreams.has(event.streamName) || event.streamName.includes(acme.portalId);
    },
  };
}

export type MatrixWorld = Awaited<ReturnType<typeof openMatrixWorld>>;

async function exportOf(world: PortalsWorld, portalId: string, conversationId: string): Promise<string> {
  const query = 'query ($c: ID!) { conversationExport(conversationId: $c) { ndjson } }';
  const answer: GraphqlAnswer = await world.graphql(query, { c: conversationId }, world.token(portalId, ['auditor']));
  return (answer.data?.conversationExport as { ndjson: string }).ndjson;
}
