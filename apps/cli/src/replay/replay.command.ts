import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { conversationStreamName } from '@helpdesk/domain';
import { type EventStore, type RecordedEvent, StreamNotFoundError } from '@helpdesk/event-store';
import {
  RunConversationCommand,
  RunConversationCommandHandler,
} from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { systemClock, type Clock } from '@helpdesk/commands/shared/clock.js';
import { openEventStore } from '@helpdesk/event-store/open-event-store.js';
import { waitForNetworkStores } from '@helpdesk/commands/stores/wait-for-stores.js';
import { UsageError, type CliRunner, type CliIo } from '../cli-command.js';
import { existingInstall } from '../app-context/existing-install.js';
import {
  formatReplayJson,
  formatReplayNdjson,
  formatReplayTable,
  buildReplay,
  quarantinedMessageIds,
} from '@helpdesk/audit';

const FORMATS = ['table', 'json', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

export const runReplay: CliRunner = (argv, io) => replay(argv, io, systemClock);

/** The command itself, with the clock reveals are recorded at. */
export async function replay(argv: readonly string[], io: CliIo, clock: Clock): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      'as-of': { type: 'string' },
      format: { type: 'string', default: 'table' },
      reveal: { type: 'boolean', default: false },
      reason: { type: 'string' },
      auditor: { type: 'string' },
    },
  });
  const [what, conversationId, ...extra] = positionals;
  if (what !== 'conversation') throw new UsageError(`expected 'conversation', got '${what ?? ''}'`);
  if (!conversationId?.trim() || extra.length > 0) throw new UsageError('expected exactly one conversation id');
  const format = values.format as Format;
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got '${values.format}')`);
  }
  const asOf = values['as-of'] === undefined ? undefined : new Date(values['as-of']);
  if (asOf && Number.isNaN(asOf.getTime()))
    throw new UsageError(`--as-of is not an ISO date-time (got '${values['as-of']}')`);
  const reason = values.reason?.trim();
  const auditor = values.auditor?.trim();
  if (values.reveal && (!reason || !auditor)) throw new UsageError('--reveal needs --reason and --auditor');
  if (!values.reveal && (reason || auditor)) throw new UsageError('--reason and --auditor go with --reveal');

  const config = existingInstall(io, 'replay');
  await waitForNetworkStores(config, (line) => io.stderr(`helpdesk replay: ${line}\n`));
  const store = await openEventStore(config.eventStore);
  const stream = conversationStreamName(conversationId);
  try {
    let events = await readConversation(store, stream);
    if (events === null) {
      io.stderr(`replay: no conversation ${conversationId} (stream ${stream} not found)\n`);
      return 1;
    }
    if (values.reveal) {
      const revealed = await recordReveals(store, clock, conversationId, events, {
        reason: reason!,
        auditor: auditor!,
      });
      if (revealed.length > 0) {
        io.stderr(
          `replay: recorded the reveal of ${revealed.length} quarantined message(s) by ${auditor}: ${revealed.join(', ')}\n`,
        );
        events = (await readConversation(store, stream)) ?? events;
      }
    }
    const rows = buildReplay(events, { ...(asOf && { asOf }), reveal: values.reveal });
    const header = { conversationId, stream, asOf: asOf?.toISOString() ?? null, revealed: values.reveal };
    io.stdout(
      format === 'json'
        ? formatReplayJson(header, rows)
        : format === 'ndjson'
          ? formatReplayNdjson(rows)
          : formatReplayTable(rows),
    );
    return 0;
  } finally {
    await store.close();
  }
}

async function readConversation(store: EventStore, stream: string): Promise<RecordedEvent[] | null> {
  const events: RecordedEvent[] = [];
  try {
    for await (const event of store.readStream(stream)) events.push(event);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return null;
    throw error;
  }
  return events;
}

/** Every quarantined message's reveal, recorded through the API's own handler: the reveal is an event. */
async function recordReveals(
  store: EventStore,
  clock: Clock,
  conversationId: string,
  events: readonly RecordedEvent[],
  { reason, auditor }: { reason: string; auditor: string },
): Promise<string[]> {
  const messageIds = quarantinedMessageIds(events);
  const started = events.find((event) => event.type === 'ConversationStarted');
  const portalId = (started?.data as { portalId?: string } | undefined)?.portalId ?? started?.metadata.tenantId;
  if (messageIds.length === 0) return [];
  if (!portalId) throw new Error(`conversation ${conversationId} has no ConversationStarted event naming its portal`);
  const handler = new RunConversationCommandHandler(store, clock);
  const correlationId = `replay-reveal-${randomUUID()}`;
  for (const messageId of messageIds) {
    const origin = { portalId, actor: { kind: 'user' as const, id: auditor }, correlationId };
    await handler.execute(
      new RunConversationCommand(origin, conversationId, 'RevealQuarantinedMessage', { messageId, reason }),
    );
  }
  return messageIds;
}
