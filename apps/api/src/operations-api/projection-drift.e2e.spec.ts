import { ReadStore } from '@helpdesk/read-store';
import { sql } from 'kysely';
import { physicalTableName } from '@helpdesk/projections/core/projection.js';
import { ticketListProjection } from '@helpdesk/projections/ticket-list/index.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { RECEIVED_AT, type TicketsWorld, acme, openTicketsWorld } from '../conversation/tickets.test-world.js';
import { REBUILD, STATUSES, rebuildEnded, seedConversations, statusOf } from './operations.test-world.js';

const DRIFT = `query Drift($name: String!) {
  projectionDriftCheck(name: $name) {
    projection version position eventsReplayed equal
    tables { table expectedRows actualRows missingCount extraCount differingCount missingIds extraIds differingIds
      firstDifference { id differences { path expected actual } } }
  }
}`;

interface TableDrift {
  table: string;
  expectedRows: number;
  actualRows: number;
  missingCount: number;
  extraCount: number;
  differingCount: number;
  missingIds: string[];
  extraIds: string[];
  differingIds: string[];
  firstDifference: { id: string; differences: { path: string; expected: string; actual: string }[] } | null;
}

interface DriftCheck {
  projection: string;
  position: string | null;
  eventsReplayed: number;
  equal: boolean;
  tables: TableDrift[];
}

const CONVERSATIONS = 8;
const TICKETS_TABLE = physicalTableName(ticketListProjection, 'tickets');
const CONVERSATIONS_TABLE = physicalTableName(ticketListProjection, 'conversations');

/** `projectionDriftCheck`: a read model against a rebuild from history, as `helpdesk projections check`. */
describe('projection drift check over GraphQL', () => {
  let world: TicketsWorld;
  let operator: string;

  beforeAll(async () => {
    world = await openTicketsWorld();
    world.clock.set(RECEIVED_AT);
    await seedConversations(world, CONVERSATIONS);
    operator = await world.token(acme, 'operator', 'ops-1');
  });

  afterAll(() => world.close());

  async function driftOf(name: string): Promise<DriftCheck> {
    const answer = await world.graphql(DRIFT, { name }, operator);
    expect(answer.errors).toBeUndefined();
    return answer.data?.projectionDriftCheck as DriftCheck;
  }

  it('finds every read model the service keeps equal to a rebuild from history, at its checkpoint', async () => {
    const statuses = await world.graphql(STATUSES, {}, operator);
    for (const projection of world.app.get(ProjectionsService).projections) {
      const check = await driftOf(projection.name);
      expect({ name: projection.name, equal: check.equal }).toEqual({ name: projection.name, equal: true });
      expect(check.position).toBe(statusOf(statuses, projection.name).position);
      expect(check.tables.map((table) => table.table)).toEqual(projection.tables.map((table) => table.name));
      for (const table of check.tables) {
        expect(table).toMatchObject({
          missingCount: 0,
          extraCount: 0,
          differingCount: 0,
          missingIds: [],
          extraIds: [],
          differingIds: [],
          firstDifference: null,
        });
        expect(table.actualRows).toBe(table.expectedRows);
      }
    }
    const ticketList = await driftOf(ticketListProjection.name);
    expect(ticketList.eventsReplayed).toBeGreaterThan(CONVERSATIONS);
    expect(ticketList.tables.find((table) => table.table === 'tickets')?.expectedRows).toBe(CONVERSATIONS);
  });

  it('reports a tampered row and a deleted one, and a rebuild repairs both', async () => {
    const db = world.app.get(ReadStore).db;
    const tickets = await sql<{
      id: string;
      document: string;
    }>`SELECT id, document FROM ${sql.table(TICKETS_TABLE)} ORDER BY id`.execute(db);
    const tampered = tickets.rows[2];
    const original = JSON.parse(tampered.document) as { preview: string };
    const document = JSON.stringify({ ...original, preview: 'tampered' });
    await sql`UPDATE ${sql.table(TICKETS_TABLE)} SET document = ${document} WHERE id = ${tampered.id}`.execute(db);
    const conversations = await sql<{
      id: string;
    }>`SELECT id FROM ${sql.table(CONVERSATIONS_TABLE)} ORDER BY id`.execute(db);
    const deleted = conversations.rows[0].id;
    await sql`DELETE FROM ${sql.table(CONVERSATIONS_TABLE)} WHERE id = ${deleted}`.execute(db);

    const drifted = await driftOf(ticketListProjection.name);
    expect(drifted.equal).toBe(false);
    expect(drifted.tables.find((table) => table.table === 'tickets')).toEqual({
      ...{
        table: 'tickets',
        expectedRows: CONVERSATIONS,
        actualRows: CONVERSATIONS,
        missingCount: 0,
        extraCount: 0,
        differingCount: 1,
      },
      ...{ missingIds: [], extraIds: [], differingIds: [tampered.id] },
      firstDifference: {
        id: tampered.id,
        differences: [{ path: '$.preview', expected: JSON.stringify(original.preview), actual: '"tampered"' }],
      },
    });
    expect(drifted.tables.find((table) => table.table === 'conversations')).toMatchObject({
      ...{
        expectedRows: CONVERSATIONS,
        actualRows: CONVERSATIONS - 1,
        missingCount: 1,
        missingIds: [deleted],
        differingCount: 0,
        firstDifference: null,
      },
    });

    expect((await world.graphql(REBUILD, { name: ticketListProjection.name }, operator)).errors).toBeUndefined();
    expect(await rebuildEnded(world.graphql, operator, ticketListProjection.name)).toMatchObject({ state: 'SWITCHED' });
    expect((await driftOf(ticketListProjection.name)).equal).toBe(true);
  });

  it('is for operators alone: agents, auditors and portal admins are refused (FORBIDDEN); an unknown name is BAD_USER_INPUT', async () => {
    for (const roles of ['agent', 'auditor', 'admin']) {
      const answer = await world.graphql(DRIFT, { name: ticketListProjection.name }, await world.token(acme, roles));
      expect({ roles, data: answer.data, code: answer.errors?.[0].extensions?.code }).toEqual({
        roles,
        data: null,
        code: 'FORBIDDEN',
      });
    }
    const unknown = await world.graphql(DRIFT, { name: 'nope' }, operator);
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'name' }] });
  });
});
