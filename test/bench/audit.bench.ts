import { conversationStreamName } from '@helpdesk/domain';
import { openSqliteEventStore } from '@helpdesk/event-store';
import { systemClock } from '@helpdesk/commands/shared/clock.js';
import { replay } from '../../apps/cli/src/replay/replay.command.js';
import { startBenchApp } from './bench-app.js';
import { benchConfig, benchDir, seedPortal } from './bench-env.js';
import { longConversationEvents } from './history.js';
import { fmt, latencyOf, markdownTable, milliseconds } from './measure.js';
import type { ScenarioResult } from './scenario.js';

export interface AuditSizes {
  readonly events: number;
  readonly runs: number;
}

/**
 * Scenario 5: one conversation with a long history (messages, replies, wamids, statuses, closes and
 * reopenings), replayed event by event with the state after each, as auditors do: through the CLI's
 * `replay` command (in-process: opens the store, reads, folds, formats) and through GraphQL
 * `conversationHistory` (the same replay model behind the API).
 */
export async function benchmarkAudit(sizes: AuditSizes): Promise<ScenarioResult> {
  const dir = benchDir('audit');
  const config = benchConfig(dir.path);
  const target = await seedPortal(config, 'audit', 1, new Date(Date.now() - 30 * 24 * 3600_000));
  const { conversationId, events } = longConversationEvents(
    target,
    sizes.events,
    new Date(Date.now() - 20 * 24 * 3600_000),
  );
  // A conversation a tenth as long, to show how the replay's cost grows with the length of the conversation.
  const shortEvents = Math.max(1, Math.round(sizes.events / 10));
  const short = longConversationEvents(target, shortEvents, new Date(Date.now() - 20 * 24 * 3600_000), '+31688888888');
  const store = openSqliteEventStore({ dataDir: dir.path });
  for (const conversation of [{ conversationId, events }, short]) {
    let expected: bigint | 'no_stream' = 'no_stream';
    for (let from = 0; from < conversation.events.length; from += 500) {
      const chunk = conversation.events.slice(from, from + 500);
      expected = (await store.append(conversationStreamName(conversation.conversationId), chunk, expected))
        .nextExpectedRevision;
    }
  }
  await store.close();
  const env = { DATA_DIR: dir.path, LOG_LEVEL: 'silent' };
  const cli = async (format: 'json' | 'table', id = conversationId) => {
    let bytes = 0;
    const started = process.hrtime.bigint();
    const code = await replay(
      ['conversation', id, '--format', format],
      { env, stdout: (text) => void (bytes += text.length), stderr: () => undefined },
      systemClock,
    );
    if (code !== 0) throw new Error(`replay exited with ${code}`);
    return { ms: milliseconds(started), bytes };
  };
  const json: number[] = [];
  const table: number[] = [];
  const shortJson: number[] = [];
  let jsonBytes = 0;
  for (let run = 0; run < sizes.runs; run++) {
    const outcome = await cli('json');
    json.push(outcome.ms);
    jsonBytes = outcome.bytes;
    table.push((await cli('table')).ms);
    shortJson.push((await cli('json', short.conversationId)).ms);
  }
  const app = await startBenchApp(config);
  const graphql: number[] = [];
  let entries = 0;
  try {
    const token = app.token(target.portalId, ['auditor'], 'auditor-1');
    for (let run = 0; run < sizes.runs; run++) {
      const started = process.hrtime.bigint();
      const data = await app.graphql<{ conversationHistory: unknown[] }>(
        token,
        'query ($c: ID!) { conversationHistory(conversationId: $c) { revision created type actor ruleVersion correlationId data state } }',
        { c: conversationId },
      );
      graphql.push(milliseconds(started));
      entries = data.conversationHistory.length;
    }
  } finally {
    await app.close();
    dir.dispose();
  }
  // On start the service's session expiry closes the conversation's last session (it expired long ago): one event more.
  if (entries < events.length)
    throw new Error(`conversationHistory returned ${entries} entries for ${events.length} events`);
  const row = (label: string, values: number[], count = events.length) => {
    const latency = latencyOf(values);
    return [
      label,
      `${fmt(latency.p50)} ms`,
      `${fmt(Math.min(...values))} – ${fmt(latency.max)} ms`,
      `${fmt(count / (latency.p50 / 1000))} events/s`,
    ];
  };
  const markdown = [
    markdownTable(
      ['Replay of one conversation', 'Median', 'Spread (min – max)', 'Events per second'],
      [
        row(`\`helpdesk replay conversation --format json\` (${fmt(jsonBytes / 2 ** 20, 1)} MiB of output)`, json),
        row('`helpdesk replay conversation --format table`', table),
        row(
          `The same \`--format json\` replay of a ${fmt(shortEvents)}-event conversation (for the growth)`,
          shortJson,
          shortEvents,
        ),
        row(`GraphQL \`conversationHistory\` (auditor), every field (${fmt(entries)} entries)`, graphql),
      ],
    ),
    '',
    `- ${fmt(events.length)} events in one conversation stream (${fmt(sizes.runs)} runs each). The CLI figures include opening the store file;`,
    '  the GraphQL figure is server-side (Fastify inject), JSON serialisation of the answer included.',
  ].join('\n');
  return {
    id: 'audit',
    title: `Scenario 5 — Audit replay of a ${fmt(events.length)}-event conversation`,
    markdown,
    metrics: {
      events: events.length,
      shortEvents,
      shortJsonMs: latencyOf(shortJson).p50,
      cliJsonMs: latencyOf(json).p50,
      cliTableMs: latencyOf(table).p50,
      graphqlMs: latencyOf(graphql).p50,
    },
  };
}
