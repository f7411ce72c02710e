import { runHelpdesk } from '../../apps/cli/src/cli.test-world.js';
import { QUARANTINE_PLACEHOLDER } from '@helpdesk/audit';
import { TestClock, later } from '@helpdesk/commands/conversation/conversation.test-world.js';
import {
  CONNECTED_AT,
  RECEIVED_AT,
  type TicketsWorld,
  acme,
  openTicketsWorld,
} from '../../apps/api/src/conversation/tickets.test-world.js';

const THREAD = `query Thread($id: ID!, $at: String) { conversation(id: $id, atLeastPosition: $at, first: 100) {
  thread { totalCount nodes { id direction quarantine { reason } content { ... on TextContent { body } } } } } }`;
const HISTORY = `query History($id: ID!, $asOf: DateTime) { conversationHistory(conversationId: $id, asOf: $asOf) { type data } }`;
const REPLY = `mutation Reply($id: ID!, $text: String!) { replyToConversation(input: { conversationId: $id, text: $text }) { messageId position } }`;
const QUARANTINE = `mutation Quarantine($id: ID!, $messageId: ID!) {
  quarantineMessage(input: { conversationId: $id, messageId: $messageId, reason: "card number" }) { position } }`;
const SECRET_TEXT = 'my card number is 4111 1111 1111 1111';
const MINUTE = 60_000;

/** A message as an agent saw it in the thread or an auditor in the replay; `text` null when hidden. */
interface SeenMessage {
  readonly id: string;
  readonly direction: 'INBOUND' | 'OUTBOUND';
  readonly text: string | null;
  readonly quarantined: boolean;
}

interface ThreadNode {
  id: string;
  direction: 'INBOUND' | 'OUTBOUND';
  quarantine: { reason: string } | null;
  content: { body?: string } | null;
}

interface ReplayRow {
  type: string;
  data: { messageId?: string; content?: { body?: string } | string };
}

const DIRECTION_OF: Record<string, SeenMessage['direction']> = {
  InboundMessageReceived: 'INBOUND',
  ReplyAccepted: 'OUTBOUND',
};

function seenInThread(nodes: readonly ThreadNode[]): SeenMessage[] {
  return nodes.map((node) => ({
    id: node.id,
    direction: node.direction,
    text: node.content?.body ?? null,
    quarantined: node.quarantine !== null,
  }));
}

/** The messages an auditor's replay rows show: quarantined when the cut holds the quarantine, content as replayed. */
function seenInReplay(rows: readonly ReplayRow[]): SeenMessage[] {
  const quarantined = new Set(rows.filter((row) => row.type === 'MessageQuarantined').map((row) => row.data.messageId));
  return rows
    .filter((row) => row.type in DIRECTION_OF)
    .map((row) => ({
      id: row.data.messageId!,
      direction: DIRECTION_OF[row.type],
      text:
        row.data.content === QUARANTINE_PLACEHOLDER
          ? null
          : ((row.data.content as { body?: string } | undefined)?.body ?? null),
      quarantined: quarantined.has(row.data.messageId),
    }));
}

describe('an as-of replay matches the thread the projection showed at that time', () => {
  let world: TicketsWorld;
  /** Stamps the stored events, so the cut T falls where the test puts it. */
  const storeClock = new TestClock(new Date(CONNECTED_AT));
  let conversationId: string;
  /** The instant of the last event before the cut. */
  let cutAt: string;
  let threadAtCut: SeenMessage[];
  let threadNow: SeenMessage[];

  /** The commands and the store move on together, as they do on the wall clock. */
  function at(iso: string): void {
    world.clock.set(iso);
    storeClock.set(iso);
  }

  async function ask(query: string, variables: Record<string, unknown>, token: string) {
    const answer = await world.graphql(query, variables, token);
    expect(answer.errors).toBeUndefined();
    return answer;
  }

  async function thread(position: string, token: string): Promise<SeenMessage[]> {
    const answer = await ask(THREAD, { id: conversationId, at: position }, token);
    const { totalCount, nodes } = (answer.data?.conversation as { thread: { totalCount: number; nodes: ThreadNode[] } })
      .thread;
    expect(nodes).toHaveLength(totalCount);
    return seenInThread(nodes);
  }

  beforeAll(async () => {
    world = await openTicketsWorld({ eventStoreNow: () => storeClock.now().getTime() });
    const agent = await world.token(acme, 'agent');
    at(RECEIVED_AT);
    conversationId = (await world.receive('wamid.asof-1', 'Where is my order?')).conversationId;
    await ask(REPLY, { id: conversationId, text: 'We are on it' }, agent);
    at(later(RECEIVED_AT, 10 * MINUTE));
    const secret = await world.receive('wamid.asof-2', SECRET_TEXT);
    const quarantined = await ask(QUARANTINE, { id: conversationId, messageId: secret.messageId }, agent);
    cutAt = storeClock.now().toISOString();
    threadAtCut = await thread((quarantined.data?.quarantineMessage as { position: string }).position, agent);

    at(later(RECEIVED_AT, 20 * MINUTE));
    await world.receive('wamid.asof-3', 'Any news?');
    const lastReply = await ask(REPLY, { id: conversationId, text: 'It ships today' }, agent);
    threadNow = await thread((lastReply.data?.replyToConversation as { position: string }).position, agent);
  });

  afterAll(() => world.close());

  it('the thread at T showed both messages and the reply, the quarantined one without content; later messages came after', () => {
    expect(threadAtCut.map(({ direction, text, quarantined }) => ({ direction, text, quarantined }))).toEqual([
      { direction: 'INBOUND', text: 'Where is my order?', quarantined: false },
      { direction: 'OUTBOUND', text: 'We are on it', quarantined: false },
      { direction: 'INBOUND', text: null, quarantined: true },
    ]);
    expect(threadNow.slice(0, threadAtCut.length)).toEqual(threadAtCut);
    expect(threadNow.slice(threadAtCut.length).map((message) => message.text)).toEqual(['Any news?', 'It ships today']);
  });

  it('GraphQL conversationHistory as of T shows exactly the thread at T (ids, order, text), the secret nowhere', async () => {
    const auditor = await world.token(acme, 'auditor', 'auditor-1');
    const answer = await ask(HISTORY, { id: conversationId, asOf: cutAt }, auditor);
    const entries = answer.data?.conversationHistory as { type: string; data: string }[];

    expect(
      seenInReplay(entries.map((entry) => ({ type: entry.type, data: JSON.parse(entry.data) as ReplayRow['data'] }))),
    ).toEqual(threadAtCut);
    expect(answer.raw).not.toContain('4111');
  });

  it('helpdesk replay --as-of T on the same DATA_DIR shows exactly the thread at T, the secret nowhere', async () => {
    const run = await runHelpdesk(
      world.dataDir,
      'replay',
      'conversation',
      conversationId,
      '--as-of',
      cutAt,
      '--format',
      'ndjson',
    );

    // Nothing on stderr but the store it opened: the service's own.
    expect(run).toMatchObject({ code: 0, stderr: `helpdesk replay: event store ${world.dataDir}/events.sqlite\n` });
    const rows = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as ReplayRow);
    expect(seenInReplay(rows)).toEqual(threadAtCut);
    expect(run.stdout).not.toContain('4111');
  });
});
