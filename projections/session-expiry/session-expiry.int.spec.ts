import { DAY, HOUR, conversationOf, helpdesk, inboundMessage, later } from '@helpdesk/domain/fixtures';
import { snapshotReadModel } from '../core/drift-check.js';
import type { ReadDatabase } from '../core/read-model-schema.js';
import { readStoresUnderTest } from '../core/read-stores-under-test.js';
import { useProjectionWorld } from '../testing/projection.test-world.js';
import { type DueSession, listDueSessions, nextSessionExpiryAfter } from './due-sessions.reader.js';
import { sessionExpiryProjection } from './session-expiry.projection.js';

const connectedAt = '2025-03-03T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(connectedAt) + ms).toISOString();
const phone = (n: number) => `+3361234${String(n).padStart(4, '0')}`;
const due = (db: ReadDatabase, instant: string, limit = 100) =>
  listDueSessions(db, { dueAt: new Date(instant), limit });
const sortedSnapshot = async (db: ReadDatabase) =>
  (await snapshotReadModel(db, sessionExpiryProjection)).due_sessions.slice().sort((a, b) => a.id.localeCompare(b.id));

describe.each(readStoresUnderTest())('session expiry index on $name', (readStoreUnderTest) => {
  const t = useProjectionWorld(sessionExpiryProjection, readStoreUnderTest, { connectedAt });
  const receive = async (wamid: string, ms: number, from = helpdesk.contactPhone) => {
    t.world.clock.set(at(ms));
    await t.world.receive(inboundMessage(wamid, at(ms), from));
  };
  const closeExpired = (conversationId: string, sessionId: string, ms: number) =>
    t.world.history.at(at(ms)).onConversation(
      conversationId,
      { type: 'CloseExpiredSession', data: { sessionId } },
      {
        kind: 'system',
        id: 'session-expiry',
      },
    );

  it('holds an opened session, due at its expiry and not a millisecond before', async () => {
    await receive('wamid.1', HOUR);
    await t.caughtUp();

    expect(await due(t.db, later(at(HOUR + DAY), -1))).toEqual([]);
    expect(await due(t.db, at(HOUR + DAY))).toEqual([
      {
        portalId: helpdesk.portalId,
        conversationId: conversationOf(),
        sessionId: 'session-wamid.1',
        expiresAt: at(HOUR + DAY),
        cursor: { expiresAt: at(HOUR + DAY), id: expect.any(String) },
      },
    ]);
    expect(await nextSessionExpiryAfter(t.db, new Date(at(HOUR)))).toEqual(new Date(at(HOUR + DAY)));
    expect(await nextSessionExpiryAfter(t.db, new Date(at(HOUR + DAY)))).toBeNull();
  });

  it('moves the due time when a newer message extends the session, and drops the session once closed', async () => {
    await receive('wamid.1', HOUR);
    await receive('wamid.2', 3 * HOUR);
    await t.caughtUp();
    expect(await due(t.db, at(HOUR + DAY))).toEqual([]);
    expect(await due(t.db, at(3 * HOUR + DAY))).toMatchObject([
      { sessionId: 'session-wamid.1', expiresAt: at(3 * HOUR + DAY) },
    ]);

    await t.world.append(closeExpired(conversationOf(), 'session-wamid.1', 3 * HOUR + DAY));
    await t.caughtUp();
    expect(await due(t.db, at(10 * DAY))).toEqual([]);
    expect(await nextSessionExpiryAfter(t.db, new Date(connectedAt))).toBeNull();
  });

  it('follows the next session of the conversation, whether or not the expired one was closed first', async () => {
    await receive('wamid.1', HOUR);
    // The session expired unclosed: the next message closes it and opens a new one.
    await receive('wamid.2', 2 * DAY);
    await t.caughtUp();

    expect(await due(t.db, at(3 * DAY))).toMatchObject([{ sessionId: 'session-wamid.2', expiresAt: at(3 * DAY) }]);
    expect(await sortedSnapshot(t.db)).toHaveLength(1);
  });

  it('pages every due session once, earliest first, and no session due later', async () => {
    for (let n = 0; n < 7; n++) await receive(`wamid.${n}`, HOUR + (n % 3) * 1000, phone(n));
    await receive('wamid.late', 2 * HOUR, phone(99));
    await t.caughtUp();

    const seen: DueSession[] = [];
    let page: DueSession[] = [];
    do {
      page = await listDueSessions(t.db, {
        dueAt: new Date(at(HOUR + DAY + 2000)),
        limit: 3,
        after: seen.at(-1)?.cursor,
      });
      seen.push(...page);
    } while (page.length === 3);

    expect(seen.map((session) => session.sessionId).sort()).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((n) => `session-wamid.${n}`).sort(),
    );
    const expiries = seen.map((session) => session.expiresAt);
    expect(expiries).toEqual([...expiries].sort());
    expect(await nextSessionExpiryAfter(t.db, new Date(at(HOUR + DAY + 2000)))).toEqual(new Date(at(2 * HOUR + DAY)));
  });

  it('refuses a page size that is not a positive integer', async () => {
    await expect(listDueSessions(t.db, { dueAt: new Date(connectedAt), limit: 0 })).rejects.toThrow(
      'limit must be a positive integer',
    );
  });

  it('rebuilds from the history to the rows the live runner wrote', async () => {
    for (let n = 0; n < 4; n++) await receive(`wamid.${n}`, HOUR + n * 1000, phone(n));
    await receive('wamid.0b', 5 * HOUR, phone(0));
    await receive('wamid.1b', 2 * DAY, phone(1));
    const conversation2 = conversationOf(phone(2));
    await t.world.append(closeExpired(conversation2, 'session-wamid.2', 2 * DAY + HOUR));
    await t.caughtUp();

    const live = await sortedSnapshot(t.db);
    expect(live).toHaveLength(3);
    expect(await t.rebuilt(sortedSnapshot)).toEqual(live);
  });
});
