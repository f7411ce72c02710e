import { type ExportLine, exportSigner, linesOfText, verifyExport, verifyKeyOfSigner } from '@helpdesk/audit';
import { loadConfig } from '@helpdesk/config';
import { later } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { RunConversationCommand } from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { ProjectionsService } from '../../apps/api/src/projections/projections.service.js';
import {
  RECEIVED_AT,
  type TicketsWorld,
  acme,
  globex,
  openTicketsWorld,
} from '../../apps/api/src/conversation/tickets.test-world.js';

const HISTORY = `query History($id: ID!) {
  conversationHistory(conversationId: $id) { revision type data revealed { by at reason } }
}`;
const EXPORT = `query Export($id: ID!) { conversationExport(conversationId: $id) { count hiddenEvents revealedEvents ndjson } }`;
const VERIFY = `query Verify($ndjson: String!) { verifyConversationExport(ndjson: $ndjson) { ok kind line field problem } }`;
const REVEAL = `mutation Reveal($input: RevealQuarantinedMessageInput!) { revealQuarantinedMessage(input: $input) { position } }`;
const THREAD = `query Thread($id: ID!) { conversation(id: $id) { thread { nodes { wamid content { __typename ... on TextContent { body } } } } } }`;
const REVEALED_SECRET = 'my card number is 4111 1111 1111 1111';
const OTHER_SECRET = 'my password is hunter2';
const HOUR = 3_600_000;

interface Entry {
  type: string;
  data: string;
  revealed: { by: string; at: string; reason: string } | null;
}

interface Export {
  count: number;
  hiddenEvents: number;
  revealedEvents: number;
  ndjson: string;
}

/**
 * After `revealQuarantinedMessage`, the auditor who recorded it sees that message's content in
 * `conversationHistory` and `conversationExport` for REVEAL_VISIBLE_HOURS (24 by default, by the
 * service clock); nobody else does, and no other message.
 */
describe('revealed quarantined content over GraphQL', () => {
  let world: TicketsWorld;
  let conversationId: string;
  let revealedMessageId: string;
  const revealedAt = later(RECEIVED_AT, HOUR);

  beforeAll(async () => {
    world = await openTicketsWorld();
    world.clock.set(RECEIVED_AT);
    const first = await world.receive('wamid.reveal-1', REVEALED_SECRET);
    conversationId = first.conversationId;
    revealedMessageId = first.messageId;
    const second = await world.receive('wamid.reveal-2', OTHER_SECRET);
    const origin = { portalId: acme, actor: { kind: 'user' as const, id: 'agent-1' } };
    for (const [messageId, reason] of [
      [first.messageId, 'card number'],
      [second.messageId, 'password'],
    ]) {
      await world.bus.execute(
        new RunConversationCommand(origin, conversationId, 'QuarantineMessage', { messageId, reason }),
      );
    }
    world.clock.set(revealedAt);
    const reveal = await world.graphql(
      REVEAL,
      { input: { conversationId, messageId: first.messageId, reason: 'case 1234' } },
      await world.token(acme, 'auditor', 'auditor-1'),
    );
    expect(reveal.errors).toBeUndefined();
    await world.app.get(ProjectionsService).whenCaughtUp();
  });

  afterAll(() => world.close());

  const history = async (token: string) => {
    const answer = await world.graphql(HISTORY, { id: conversationId }, token);
    expect(answer.errors).toBeUndefined();
    return { entries: answer.data?.conversationHistory as Entry[] | null, raw: answer.raw };
  };
  const exportFor = async (token: string) => {
    const answer = await world.graphql(EXPORT, { id: conversationId }, token);
    expect(answer.errors).toBeUndefined();
    return { exported: answer.data?.conversationExport as Export | null, raw: answer.raw };
  };
  const verify = async (ndjson: string, token: string) => {
    const answer = await world.graphql(VERIFY, { ndjson }, token);
    expect(answer.errors).toBeUndefined();
    return answer.data?.verifyConversationExport as { ok: boolean; kind: string | null; field: string | null };
  };
  const auditor1 = () => world.token(acme, 'auditor', 'auditor-1');
  const mark = { by: 'user:auditor-1', at: revealedAt, reason: 'case 1234' };

  it('shows the auditor who revealed it that message in the history, marked with the reveal, and no other', async () => {
    world.clock.set(later(revealedAt, 23 * HOUR));
    const { entries, raw } = await history(await auditor1());
    const received = entries!.filter((entry) => entry.type === 'InboundMessageReceived');
    expect(received).toHaveLength(2);
    expect(JSON.parse(received[0].data)).toMatchObject({
      messageId: revealedMessageId,
      content: { body: REVEALED_SECRET },
    });
    expect(received[0].revealed).toEqual(mark);
    expect(received[1].revealed).toBeNull();
    expect(raw).not.toContain('hunter2');
    // Only the content-bearing event is marked; the quarantine and the reveal themselves are not.
    expect(entries!.filter((entry) => entry.revealed !== null).map((entry) => entry.type)).toEqual([
      'InboundMessageReceived',
    ]);
  });

  it('shows it in their export, line marked, chain and signature intact, and the export verifies for them', async () => {
    world.clock.set(later(revealedAt, HOUR));
    const { exported, raw } = await exportFor(await auditor1());
    expect(exported).toMatchObject({ revealedEvents: 1, hiddenEvents: 1 });
    expect(raw).toContain(REVEALED_SECRET);
    expect(raw).not.toContain('hunter2');
    const lines = exported!.ndjson
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as ExportLine & { format?: string });
    const revealedLines = lines.filter((line) => line.revealed !== undefined);
    expect(revealedLines).toHaveLength(1);
    expect(revealedLines[0]).toMatchObject({ type: 'InboundMessageReceived', revealed: mark });
    const serviceKey = exportSigner(loadConfig({ DATA_DIR: world.dataDir }).exportSigning.privateKeyPem);
    const offline = await verifyExport(linesOfText(exported!.ndjson), { keys: [verifyKeyOfSigner(serviceKey)] });
    expect(offline).toMatchObject({ ok: true });
    expect(await verify(exported!.ndjson, await auditor1())).toMatchObject({ ok: true });

    // The mark is signed: claiming another reveal breaks the chain.
    const forged = exported!.ndjson.replace('"reason":"case 1234"', '"reason":"case 9999"');
    expect(forged).not.toBe(exported!.ndjson);
    expect(await verify(forged, await auditor1())).toMatchObject({ ok: false, kind: 'chain' });

    // After the window the same file still verifies for them: it shows nothing they were not shown under their reveal.
    world.clock.set(later(revealedAt, 48 * HOUR));
    expect(await verify(exported!.ndjson, await auditor1())).toMatchObject({ ok: true });
    // Another auditor of the portal, who revealed nothing, cannot have it confirmed.
    const other = await verify(exported!.ndjson, await world.token(acme, 'auditor', 'auditor-2'));
    expect(other).toMatchObject({ ok: false, kind: 'field', field: 'data' });
  });

  it('hides it from another auditor of the same portal, who must record their own reveal', async () => {
    world.clock.set(later(revealedAt, HOUR));
    const token = await world.token(acme, 'auditor', 'auditor-2');
    const { entries, raw } = await history(token);
    expect(entries!.every((entry) => entry.revealed === null)).toBe(true);
    expect(raw).not.toContain(REVEALED_SECRET);
    const { exported, raw: exportRaw } = await exportFor(token);
    expect(exported).toMatchObject({ revealedEvents: 0, hiddenEvents: 2 });
    expect(exportRaw).not.toContain(REVEALED_SECRET);
  });

  it('hides it again from the same auditor once the window has passed (24 hours by the service clock)', async () => {
    world.clock.set(later(revealedAt, 24 * HOUR));
    const { entries, raw } = await history(await auditor1());
    expect(entries!.every((entry) => entry.revealed === null)).toBe(true);
    expect(raw).not.toContain(REVEALED_SECRET);
    const { exported, raw: exportRaw } = await exportFor(await auditor1());
    expect(exported).toMatchObject({ revealedEvents: 0, hiddenEvents: 2 });
    expect(exportRaw).not.toContain(REVEALED_SECRET);
  });

  it('refuses history and export to an agent, an admin and an operator, and their thread never holds the content', async () => {
    world.clock.set(later(revealedAt, HOUR));
    for (const roles of ['agent', 'admin', 'operator']) {
      const token = await world.token(acme, roles, 'auditor-1');
      for (const query of [HISTORY, EXPORT]) {
        const answer = await world.graphql(query, { id: conversationId }, token);
        expect({ roles, code: answer.errors?.[0].extensions?.code }).toEqual({ roles, code: 'FORBIDDEN' });
        expect(answer.raw).not.toContain(REVEALED_SECRET);
      }
    }
    for (const roles of ['agent', 'admin', 'auditor']) {
      const thread = await world.graphql(THREAD, { id: conversationId }, await world.token(acme, roles, 'auditor-1'));
      expect(thread.errors).toBeUndefined();
      expect(thread.raw).not.toContain(REVEALED_SECRET);
    }
  });

  it("answers another portal's auditor, even with the same user id, as for an unknown conversation", async () => {
    world.clock.set(later(revealedAt, HOUR));
    const token = await world.token(globex, 'auditor', 'auditor-1');
    for (const id of [conversationId, 'no-such-conversation']) {
      const answer = await world.graphql(HISTORY, { id }, token);
      expect(answer.data).toEqual({ conversationHistory: null });
      const exported = await world.graphql(EXPORT, { id }, token);
      expect(exported.data).toEqual({ conversationExport: null });
      expect(answer.raw + exported.raw).not.toContain(REVEALED_SECRET);
    }
  });
});
