import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conversationStreamName } from '@helpdesk/domain';
import {
  type ExportLine,
  type ExportSigner,
  type ExportedEvent,
  exportSigner,
  linesOfText,
  toExportedEvent,
  verifyExport,
  verifyKeyOfSigner,
  QUARANTINE_PLACEHOLDER,
} from '@helpdesk/audit';
import { loadConfig } from '@helpdesk/config';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@helpdesk/event-store';
import { parseExport, rechained } from '../../libs/audit/src/forgery.test-world.js';
import {
  exportConversation as cliExportConversation,
  exportPortal as cliExportPortal,
} from '../../apps/cli/src/export/export.command.js';
import { RunConversationCommand } from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { ReplyToContactCommand } from '@helpdesk/commands/conversation/reply-to-contact.handler.js';
import { ProjectionsService } from '../../apps/api/src/projections/projections.service.js';
import {
  RECEIVED_AT,
  type TicketsWorld,
  acme,
  globex,
  openTicketsWorld,
} from '../../apps/api/src/conversation/tickets.test-world.js';
import { seedConversations } from '../../apps/api/src/operations-api/operations.test-world.js';

const EXPORT = `query Export($id: ID!) { conversationExport(conversationId: $id) { conversationId scope count lastHash keyId hiddenEvents ndjson } }`;
const VERIFY = `query Verify($ndjson: String!) { verifyConversationExport(ndjson: $ndjson) { ok count lastHash line problem } }`;
const VERIFY_KIND = `query Verify($ndjson: String!) { verifyConversationExport(ndjson: $ndjson) { ok kind line field problem } }`;
const SECRET_TEXT = 'my card number is 4111 1111 1111 1111';

interface Export {
  conversationId: string;
  scope: string;
  count: number;
  lastHash: string;
  keyId: string;
  hiddenEvents: number;
  ndjson: string;
}

interface Verification {
  ok: boolean;
  count: number | null;
  lastHash: string | null;
  line: number | null;
  problem: string | null;
}

/** Event lines of an export, without the trailer. */
const eventLines = (ndjson: string): ExportLine[] =>
  ndjson
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as ExportLine & { format?: string })
    .filter((line) => line.format === undefined);

const withoutHashes = ({ prevHash: _prev, hash: _hash, ...event }: ExportLine): ExportedEvent => event;

/** `conversationExport` / `verifyConversationExport`: `helpdesk export` for auditors, scoped to their portal. */
describe('conversation export over GraphQL', () => {
  let world: TicketsWorld;
  let store: EventStore;
  let auditor: string;
  let quarantinedConversation: string;
  let plainConversation: string;
  /** The service's own signing key (DATA_DIR): what only an insider holding it could sign with. */
  let serviceKey: ExportSigner;
  const offline = (ndjson: string) => verifyExport(linesOfText(ndjson), { keys: [verifyKeyOfSigner(serviceKey)] });

  beforeAll(async () => {
    world = await openTicketsWorld();
    store = world.app.get<EventStore>(EVENT_STORE);
    world.clock.set(RECEIVED_AT);
    const first = await world.receive('wamid.export-1', 'Where is my order?');
    quarantinedConversation = first.conversationId;
    const origin = { portalId: acme, actor: { kind: 'user' as const, id: 'agent-1' } };
    await world.bus.execute(
      new ReplyToContactCommand(origin, quarantinedConversation, { kind: 'text', body: 'We are on it' }),
    );
    const second = await world.receive('wamid.export-2', SECRET_TEXT);
    await world.bus.execute(
      new RunConversationCommand(origin, quarantinedConversation, 'QuarantineMessage', {
        messageId: second.messageId,
        reason: 'card number',
      }),
    );
    [plainConversation] = await seedConversations(world, 1, 'plain');
    await world.app.get(ProjectionsService).whenCaughtUp();
    auditor = await world.token(acme, 'auditor', 'auditor-1');
    serviceKey = exportSigner(loadConfig({ DATA_DIR: world.dataDir }).exportSigning.privateKeyPem);
  });

  afterAll(() => world.close());

  async function exportOf(conversationId: string, token = auditor): Promise<Export | null> {
    const answer = await world.graphql(EXPORT, { id: conversationId }, token);
    expect(answer.errors).toBeUndefined();
    return answer.data?.conversationExport as Export | null;
  }

  async function verify(ndjson: string, token = auditor): Promise<Verification> {
    const answer = await world.graphql(VERIFY, { ndjson }, token);
    expect(answer.errors).toBeUndefined();
    return answer.data?.verifyConversationExport as Verification;
  }

  async function storedEvents(conversationId: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of store.readStream(conversationStreamName(conversationId))) events.push(event);
    return events;
  }

  it('writes the very bytes `helpdesk export conversation` writes when nothing is quarantined', async () => {
    const exported = (await exportOf(plainConversation))!;
    const file = join(world.dataDir, 'plain.ndjson');
    const count = await cliExportConversation(store, plainConversation, file, serviceKey);
    expect(exported.ndjson).toBe(readFileSync(file, 'utf8'));
    expect(exported).toMatchObject({
      conversationId: plainConversation,
      scope: `conversation ${plainConversation}`,
      count,
      hiddenEvents: 0,
      keyId: serviceKey.keyId,
    });
    expect(await offline(exported.ndjson)).toMatchObject({
      ok: true,
      headHash: exported.lastHash,
      keyId: serviceKey.keyId,
    });
  });

  it('hides quarantined content in every event that carries it; the chain holds and the rest is the store', async () => {
    const exported = (await exportOf(quarantinedConversation))!;
    const stored = await storedEvents(quarantinedConversation);
    expect(await offline(exported.ndjson)).toMatchObject({ ok: true });
    const lines = eventLines(exported.ndjson);
    expect(exported.count).toBe(stored.length);
    expect(lines.map((line) => [line.revision, line.id, line.type])).toEqual(
      stored.map((event) => [String(event.revision), event.id, event.type]),
    );
    // Not '4111' in the whole text: a hash or the signature may contain those digits by chance.
    expect(exported.ndjson).not.toContain(SECRET_TEXT);
    expect(lines.map((line) => JSON.stringify(line.data)).join('\n')).not.toContain('4111');
    const hidden = lines.filter((line) => JSON.stringify(line.data).includes(QUARANTINE_PLACEHOLDER));
    expect(hidden.map((line) => line.type)).toEqual(['InboundMessageReceived']);
    expect(exported.hiddenEvents).toBe(1);
    const shown = lines.filter((line) => !hidden.includes(line));
    expect(shown.map(withoutHashes)).toEqual(stored.filter((event) => event.id !== hidden[0].id).map(toExportedEvent));
  });

  it('verifies its exports against the chain and the store', async () => {
    for (const conversationId of [quarantinedConversation, plainConversation]) {
      const exported = (await exportOf(conversationId))!;
      expect(await verify(exported.ndjson)).toEqual({
        ok: true,
        count: exported.count,
        lastHash: exported.lastHash,
        line: null,
        problem: null,
      });
    }
  });

  // A rewritten chain no longer verifies by its signature (see test/security/export-tampering); re-signed
  // with the service's own key, as only an insider could, the store still tells every change.
  it('names the first line that does not hold: edited text, a rewritten chain, altered metadata, a truncated file', async () => {
    const exported = (await exportOf(quarantinedConversation))!;
    const lines = eventLines(exported.ndjson);
    const replyLine = lines.findIndex((line) => line.type === 'ReplyAccepted') + 1;
    const where = `${conversationStreamName(quarantinedConversation)}@${lines[replyLine - 1].revision}`;

    const edited = await verify(exported.ndjson.replace('We are on it', 'We are not on it'));
    expect(edited).toMatchObject({ ok: false, line: replyLine, problem: expect.stringMatching(/^hash mismatch/) });

    const { events, trailer } = parseExport(exported.ndjson);
    const forged = events.map((event, index) =>
      index === replyLine - 1
        ? { ...event, data: { ...(event.data as object), content: { kind: 'text', body: 'We refuse' } } }
        : event,
    );
    expect(await verify(rechained(exported.scope, forged, trailer))).toMatchObject({
      ok: false,
      line: lines.length + 1,
      problem: expect.stringMatching(/^the signature does not match/),
    });
    const resigned = rechained(exported.scope, forged, trailer, serviceKey);
    expect(await offline(resigned)).toMatchObject({ ok: true });
    expect(await verify(resigned)).toMatchObject({
      ok: false,
      line: replyLine,
      problem: `${where}: data differs from the store`,
    });

    const reattributed = events.map((event, index) =>
      index === replyLine - 1
        ? { ...event, metadata: { ...(event.metadata as object), actorId: 'user:someone-else' } }
        : event,
    );
    const answer = await world.graphql(
      VERIFY_KIND,
      { ndjson: rechained(exported.scope, reattributed, trailer, serviceKey) },
      auditor,
    );
    expect(answer.data?.verifyConversationExport).toEqual({
      ok: false,
      kind: 'field',
      line: replyLine,
      field: 'metadata.actorId',
      problem: `${where}: metadata.actorId differs from the store`,
    });

    const truncated = exported.ndjson.trimEnd().split('\n').slice(0, -1).join('\n');
    expect(await verify(truncated)).toMatchObject({
      ok: false,
      line: lines.length + 1,
      problem: expect.stringContaining('no signed trailer'),
    });
  });

  it('never confirms quarantined content: an export carrying the true hidden text does not verify', async () => {
    const scope = `conversation ${quarantinedConversation}`;
    const stored = await storedEvents(quarantinedConversation);
    // Even signed with the service's key: the store is compared in its hidden form.
    const { trailer } = parseExport((await exportOf(quarantinedConversation))!.ndjson);
    const revealing = rechained(scope, stored.map(toExportedEvent), trailer, serviceKey);
    const secretLine = stored.findIndex((event) => JSON.stringify(event.data).includes('4111')) + 1;
    const answer = await world.graphql(VERIFY_KIND, { ndjson: revealing }, auditor);
    expect(answer.data?.verifyConversationExport).toMatchObject({
      ok: false,
      kind: 'field',
      line: secretLine,
      field: 'data',
      problem: expect.stringMatching(/: data differs from the store$/),
    });
  });

  it("verifies the portal's own export in its hidden form, and never confirms quarantined content in it", async () => {
    const file = join(world.dataDir, 'portal.ndjson');
    await cliExportPortal(store, acme, file, serviceKey);
    const raw = readFileSync(file, 'utf8');
    const { events, trailer } = parseExport(raw);
    const secretLine = events.findIndex((event) => JSON.stringify(event.data).includes('4111')) + 1;
    expect(secretLine).toBeGreaterThan(0);
    const verifyPortal = async (ndjson: string) =>
      (
        await world.graphql(
          `query ($n: String!) { verifyConversationExport(ndjson: $n, ofPortal: true) { ok kind line field } }`,
          { n: ndjson },
          auditor,
        )
      ).data?.verifyConversationExport;
    expect(await verifyPortal(raw)).toEqual({ ok: false, kind: 'field', line: secretLine, field: 'data' });

    // The same export with the content hidden as conversationExport hides it, signed by the service.
    const hiddenLines = new Map(
      eventLines((await exportOf(quarantinedConversation))!.ndjson).map((line) => [line.id, line.data]),
    );
    const hidden = events.map((event) =>
      hiddenLines.has(event.id) ? { ...event, data: hiddenLines.get(event.id) } : event,
    );
    expect(await verifyPortal(rechained(trailer.scope, hidden, trailer, serviceKey))).toEqual({
      ok: true,
      kind: null,
      line: null,
      field: null,
    });
    // Another portal's auditor: refused, whatever it is.
    const other = await world.token(globex, 'auditor', 'auditor-2');
    const refused = await world.graphql(
      `query ($n: String!) { verifyConversationExport(ndjson: $n) { ok kind } }`,
      { n: raw },
      other,
    );
    expect(refused.data?.verifyConversationExport).toEqual({ ok: false, kind: 'scope' });
  });

  it("answers another portal's auditor null, and verifies nothing of another portal, as if it did not exist", async () => {
    const other = await world.token(globex, 'auditor', 'auditor-2');
    const answer = await world.graphql(EXPORT, { id: quarantinedConversation }, other);
    expect(answer).toMatchObject({ data: { conversationExport: null } });
    expect(answer.errors).toBeUndefined();
    expect(answer.raw).not.toContain('Where is my order?');
    expect(await exportOf('acme-0-0', auditor)).toBeNull();

    const foreign = (await exportOf(quarantinedConversation))!;
    const refused = await verify(foreign.ndjson, other);
    expect(refused).toMatchObject({ ok: false, line: 1 });
    const missingStream = conversationStreamName('acme-1-2');
    const { trailer } = parseExport(foreign.ndjson);
    const invented = rechained(
      'conversation acme-1-2',
      [{ ...eventLines(foreign.ndjson).map(withoutHashes)[0], stream: missingStream }],
      trailer,
      serviceKey,
    );
    const missing = await verify(invented, other);
    expect(missing).toMatchObject({ ok: false, line: 1 });
    expect(refused.problem!.replace(quarantinedConversation, '<id>')).toBe(
      missing.problem!.replace('acme-1-2', '<id>'),
    );
  });

  it('refuses agents and operators (FORBIDDEN)', async () => {
    for (const roles of ['agent', 'operator']) {
      const token = await world.token(acme, roles);
      for (const [query, variables] of [
        [EXPORT, { id: plainConversation }],
        [VERIFY, { ndjson: '{}' }],
      ] as const) {
        const answer = await world.graphql(query, variables, token);
        const answered = Object.values(answer.data ?? {}).filter((field) => field !== null);
        expect({ roles, answered, code: answer.errors?.[0].extensions?.code }).toEqual({
          roles,
          answered: [],
          code: 'FORBIDDEN',
        });
        expect(answer.raw).not.toContain('Question 0');
      }
    }
  });
});
