import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir } from './bench-env.js';
import { describeMachine, fmt, loadAverage, markdownTable, procCpuTicks } from './measure.js';
import { type RetryPolicy, runWithOneRetry } from './retry-scenario.js';
import type { ScenarioResult } from './scenario.js';
import { type BenchPlan, fullPlan, quickPlan } from './sizes.js';

/**
 * `npm run bench` (add `-- --quick` for a smoke run): every scenario of issue 7, each in its own
 * process, then rewrites BENCHMARKS.md with this run's figures. Not a test: nothing is asserted
 * on time. `--only a,b` runs some scenarios and prints them without touching BENCHMARKS.md.
 */
interface CpuSample {
  readonly busy: number;
  readonly total: number;
  readonly own: number;
}

/** Jiffies of the whole machine and of this process tree (its children once they have exited). */
function cpuSample(): CpuSample | null {
  try {
    const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
    const fields = cpu.trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    const total = fields.reduce((sum, value) => sum + value, 0);
    const ticks = procCpuTicks('self');
    return { busy: total - idle, total, own: ticks.user + ticks.system + ticks.children };
  } catch {
    return null;
  }
}

function runScenario(scenario: string, options: object): Promise<ScenarioResult> {
  const script = fileURLToPath(new URL('./scenario-runner.js', import.meta.url));
  return new Promise((resolveResult, reject) => {
    // --expose-gc: a scenario may collect before reading what memory the service keeps.
    const child = fork(script, [JSON.stringify({ scenario, options })], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let outcome: { ok: true; result: ScenarioResult } | { ok: false; error: string } | undefined;
    child.on('message', (message) => (outcome = message as typeof outcome));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (outcome?.ok) return resolveResult(outcome.result);
      reject(new Error(outcome ? outcome.error : `scenario ${scenario} exited with ${signal ?? code}`));
    });
  });
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const onlyIndex = process.argv.indexOf('--only');
  const only = onlyIndex > 0 ? process.argv[onlyIndex + 1]?.split(',') : undefined;
  const plan: BenchPlan = quick ? quickPlan : fullPlan;
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  const cpuBefore = cpuSample();
  const loadBefore = loadAverage();
  const results: ScenarioResult[] = [];
  const big = benchDir('large-history');
  const log = (text: string) => process.stdout.write(`[bench ${fmt(elapsed(), 0)} s] ${text}\n`);
  /** A scenario runs when asked for, or when one asked for needs what it leaves behind. */
  const wanted = (id: string, ...neededBy: string[]) => !only || [id, ...neededBy].some((name) => only.includes(name));
  const run = async (id: string, title: string, options: object, neededBy: string[] = [], policy?: RetryPolicy) => {
    if (!wanted(id, ...neededBy)) return;
    // Dirty pages a previous scenario left (its files written, then deleted) must not stall this one's fsyncs.
    spawnSync('sync');
    log(`${id}…`);
    results.push(await runWithOneRetry(id, title, () => runScenario(id, options), log, policy));
    log(`${id} done`);
  };
  try {
    await run('event-store', 'Embedded event store', plan.eventStore);
    await run('peers', 'Side by side', plan.peers);
    await run('audit', 'Scenario 5 — Audit replay', plan.audit);
    await run('ingest', 'Scenario 1 — Webhook ingest', plan.ingest);
    await run('ingest-projector', 'Scenario 1b — Webhook ingest, projector in its own process', {
      ...plan.ingest,
      projector: 'process',
    });
    await run('lag', 'Scenario 2 — Projection lag', plan.lag);
    await run('lag-projector', 'Scenario 2b — Projection lag, projector in its own process', {
      ...plan.lag,
      projector: 'process',
    });
    await run('kill', 'Reliability — the load held while the API is SIGKILLed', plan.kill);
    await run(
      'large-history',
      'Scenario 3 — Rebuild (SQLite)',
      { ...plan.largeHistory, dir: big.path },
      ['queries', 'rebuild-postgres'],
      {
        // The history is written into the shared directory: a retry starts from an empty one.
        beforeRetry: () => {
          rmSync(big.path, { recursive: true, force: true });
          mkdirSync(big.path);
        },
      },
    );
    const historyOk = results.some((result) => result.id === 'rebuild-sqlite');
    if (historyOk) {
      await run(
        'amplify',
        'Scenario 4 — Queries (set-up)',
        { dir: big.path, tickets: plan.queries.tickets },
        ['queries'],
        {
          notRetried:
            'it multiplies the tickets in place, and a second pass would start from a half-amplified read model',
        },
      );
      await run('queries', 'Scenario 4 — Queries', { ...plan.queries, dir: big.path });
      // Whatever is left of the budget, less a margin for writing up: PostgreSQL is the slowest and goes last.
      const deadlineSeconds = Math.max(
        plan.postgres.minSeconds,
        Math.min(plan.postgres.maxSeconds, plan.budgetSeconds - elapsed() - 15),
      );
      await run('rebuild-postgres', 'Scenario 3 — Rebuild (PostgreSQL)', { dir: big.path, deadlineSeconds });
    }
  } finally {
    big.dispose();
  }
  const cpuAfter = cpuSample();
  const seconds = elapsed();
  const report = writeReport({ quick, results, seconds, loadBefore, loadAfter: loadAverage(), cpuBefore, cpuAfter });
  if (only) {
    process.stdout.write(`${report}\n(--only: BENCHMARKS.md left as it was)\n`);
    return;
  }
  const target = resolve('BENCHMARKS.md');
  writeFileSync(target, report);
  process.stdout.write(`${report}\nwrote ${target} in ${fmt(seconds, 0)} s\n`);
}

interface ReportInput {
  readonly quick: boolean;
  readonly results: readonly ScenarioResult[];
  readonly seconds: number;
  readonly loadBefore: string;
  readonly loadAfter: string;
  readonly cpuBefore: CpuSample | null;
  readonly cpuAfter: CpuSample | null;
}

function concurrencyNote({ cpuBefore, cpuAfter, loadBefore, loadAfter }: ReportInput): string {
  const lines = [`- Load average (1 / 5 / 15 min) at the start: ${loadBefore}; at the end: ${loadAfter}.`];
  if (cpuBefore && cpuAfter) {
    const total = cpuAfter.total - cpuBefore.total;
    const busy = cpuAfter.busy - cpuBefore.busy;
    const own = cpuAfter.own - cpuBefore.own;
    const others = Math.max(0, busy - own);
    const share = total > 0 ? (100 * others) / total : 0;
    lines.push(
      `- CPU used by other processes during the run: ${fmt(share, 0)} % of the machine's capacity (PostgreSQL serving the`,
      '  benchmark counts as "other" too). ' +
        (share >= 10
          ? "**Other work was running concurrently on this machine (other engineers' builds and tests): the figures are lower and noisier than on an idle machine.**"
          : 'The machine was otherwise close to idle.'),
    );
  }
  return lines.join('\n');
}

/**
 * Machines of the same kind differ from day to day (the host's other tenants): what raw
 * better-sqlite3 does, with none of our code, says how fast this one was, so that two runs'
 * figures are compared for what changed in the code, not in the machine.
 */
function speedNote(results: readonly ScenarioResult[]): string[] {
  const cpu = metric(results, 'peers', 'rawBatchCpuMsPerEvent');
  const read = metric(results, 'rebuild-sqlite', 'rawRead');
  if (cpu === null && read === null) return [];
  const parts = [
    ...(cpu === null ? [] : [`${fmt(cpu * 1000, 1)} µs of CPU per event appended (one append per conversation)`]),
    ...(read === null ? [] : [`${fmt(read)} events/s reading the large history (scenario 3)`]),
  ];
  return [
    `- This machine's speed, for comparing runs: raw better-sqlite3 (the floor, none of our code) took ${parts.join(', and ')}.`,
  ];
}

function metric(results: readonly ScenarioResult[], id: string, key: string): number | null {
  const value = results.find((result) => result.id === id)?.metrics[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function targetsTable(results: readonly ScenarioResult[]): string {
  const m = (id: string, key: string) => metric(results, id, key);
  const verdict = (value: number | null, ok: (value: number) => boolean) =>
    value === null ? 'not measured' : ok(value) ? 'met' : '**missed**';
  const show = (value: number | null, unit: string, digits?: number) =>
    value === null ? '—' : `${fmt(value, digits)} ${unit}`;
  /** CPU per payload, and against what the floor and the peer spend appending as many events. */
  const cpuRow = (rate: number, target: number): string[] => {
    const cpu = m('ingest', `cpuMsPerPayloadAt${rate}`);
    const events = m('ingest', `eventsPerPayloadAt${rate}`);
    const against = (who: string, perEvent: number | null) =>
      cpu === null || events === null || perEvent === null
        ? ''
        : `; ${who} ${fmt(events * perEvent, 3)} ms for its ${fmt(events, 1)} events (${fmt(cpu / (events * perEvent), 1)}×)`;
    const apart = m('ingest-projector', `cpuMsPerPayloadAt${rate}`);
    return [
      `CPU per inbound payload ≤ ${fmt(target, 1)} ms at ${fmt(rate)} payloads/s (end to end)`,
      `${show(cpu, 'ms', 2)} in one process${against('the floor (raw better-sqlite3)', m('peers', 'rawBatchCpuMsPerEvent'))}${against('Emmett', m('peers', 'emmettBatchCpuMsPerEvent'))}; ${show(apart, 'ms', 2)} with the projector apart (the default; both processes)`,
      verdict(
        cpu === null && apart === null ? null : Math.min(cpu ?? Infinity, apart ?? Infinity),
        (value) => value <= target,
      ),
    ];
  };
  const ingest = m('ingest', 'maxPayloadsPerSecond');
  const emmettSingle = m('peers', 'emmettSingle');
  const lag = m('lag', 'lagP99');
  const lagGraphql = m('lag', 'graphqlP99');
  const rebuild = m('rebuild-sqlite', 'rebuildSqlite');
  const raw = m('rebuild-sqlite', 'rawRead');
  const view = m('queries', 'q0P99');
  const viewNoCount = m('queries', 'q1P99');
  const search = m('queries', 'q3P99');
  const rareSearch = m('queries', 'q4P99');
  const rareWord = m('queries', 'q6P99');
  const firstSearch = m('queries', 'q7P99');
  const rss = m('queries', 'peakRssMiB');
  const ingestRss = m('ingest', 'peakRssMiB');
  const tickets = m('queries', 'tickets');
  const atTickets = tickets ? fmt(tickets) : '1,000,000';
  return markdownTable(
    ['Target (2 cores; issue 19, then those of issue 7 it does not restate)', 'Measured in this run', 'Verdict'],
    [
      cpuRow(1_000, 0.5),
      cpuRow(80, 1),
      [
        'Projection lag p99 ≤ 50 ms at 1,000 messages/s',
        `the projector in a child process (the default): ${show(m('lag-projector', 'lagP99'), 'ms', 1)} (GraphQL: ${show(m('lag-projector', 'graphqlP99'), 'ms', 1)}); ` +
          `in the API's process: ${show(lag, 'ms', 1)} (GraphQL: ${show(lagGraphql, 'ms', 1)}) at ${show(m('lag', 'rate'), 'messages/s')}`,
        verdict(
          m('lag-projector', 'graphqlP99') ?? m('lag-projector', 'lagP99') ?? lagGraphql ?? lag,
          (value) => value <= 50,
        ),
      ],
      [
        'Rebuild ≥ half the raw read speed',
        rebuild !== null && raw ? `${fmt((100 * rebuild) / raw, 1)} % of ${fmt(raw)} events/s` : '—',
        verdict(rebuild !== null && raw ? rebuild / raw : null, (value) => value >= 0.5),
      ],
      [
        `View page p99 ≤ 5 ms server-side at ${atTickets} tickets`,
        `${show(view, 'ms', 2)} ("all-open"); ${show(viewNoCount, 'ms', 2)} ("unassigned")`,
        // Both views: one within the target and the other not is a miss.
        verdict(view === null || viewNoCount === null ? null : Math.max(view, viewNoCount), (value) => value <= 5),
      ],
      [
        `Search p99 ≤ 10 ms server-side at ${atTickets} tickets, rare and common words`,
        `${show(search, 'ms', 2)} (a common word, searched again); ${show(firstSearch, 'ms', 2)} (common words, each searched for the first time); ${show(rareWord, 'ms', 2)} (a rare word); ${show(rareSearch, 'ms', 2)} (a rare phrase)`,
        verdict(
          search === null || rareSearch === null || rareWord === null || firstSearch === null
            ? null
            : Math.max(search, rareSearch, rareWord, firstSearch),
          (value) => value <= 10,
        ),
      ],
      [
        `API RSS ≤ 256 MB at ${atTickets} tickets`,
        `${show(rss === null ? null : (rss * 2 ** 20) / 1e6, 'MB peak serving queries')}; under ingest (scenario 1): ${show(ingestRss === null ? null : (ingestRss * 2 ** 20) / 1e6, 'MB')}`,
        verdict(rss === null ? null : (rss * 2 ** 20) / 1e6, (value) => value <= 256),
      ],
      [
        'Ingest ≥ 5,000 webhook payloads/s (issue 7)',
        `${show(ingest, 'payloads/s with the whole service running')}; ${show(m('ingest', 'edgePayloadsPerSecond'), 'payloads/s at the webhook edge alone')}`,
        verdict(ingest, (value) => value >= 5000),
      ],
      [
        "Ingest ≥ 2× the peer's append rate (issue 7)",
        ingest !== null && emmettSingle
          ? `${fmt(ingest / emmettSingle, 1)}× Emmett's single appends (${fmt(emmettSingle)}/s)`
          : '—',
        verdict(ingest !== null && emmettSingle ? ingest / emmettSingle : null, (value) => value >= 2),
      ],
      [
        'Rebuild ≥ 100,000 events/s on SQLite (issue 7)',
        show(rebuild, 'events/s'),
        verdict(rebuild, (value) => value >= 100_000),
      ],
    ],
  );
}

const ORDER = [
  'event-store',
  'peers',
  'ingest',
  'ingest-projector',
  'lag',
  'lag-projector',
  'rebuild-sqlite',
  'large-history',
  'rebuild-postgres',
  'queries',
  'audit',
  'kill',
];

function writeReport(input: ReportInput): string {
  const sorted = [...input.results].sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
  const sections = sorted
    .filter((result) => result.markdown !== '')
    .flatMap((result) => [`## ${result.title}`, '', result.markdown, '']);
  return [
    '# Benchmarks',
    '',
    'Written by `npm run bench`; every figure is measured on the machine below, in one run of the script',
    `(${fmt(input.seconds / 60, 1)} minutes). The scenarios are those of issue 7; each runs in a process of its own.`,
    input.quick
      ? '\n**Quick mode: small sizes, for a smoke run only. The figures below are not the benchmark.**\n'
      : '',
    '## Machine',
    '',
    describeMachine(),
    concurrencyNote(input),
    ...speedNote(input.results),
    '',
    '## Targets',
    '',
    targetsTable(input.results),
    '',
    ...sections,
    '## What limits us',
    '',
    analysis(input.results),
    '',
  ].join('\n');
}

/**
 * The analysis: this run's figures, and what CPU profiles (`node --cpu-prof` on the scenario
 * processes, on this machine, 2026-11-21) showed the time is spent on once the fixes of that day
 * were in. The profile shares quoted are from those sessions, not re-measured by every run.
 */
function analysis(results: readonly ScenarioResult[]): string {
  const m = (id: string, key: string) => metric(results, id, key);
  const lines: string[] = [
    'Shares of CPU time come from profiles taken on this machine after the fixes below (`node --cpu-prof` on the',
    'scenario processes); the figures are this run\'s. "Fixed" names what changed since the first run of these',
    'benchmarks (same day), whose figures are given for comparison.',
    '',
  ];
  const ingest = m('ingest', 'maxPayloadsPerSecond');
  const edge = m('ingest', 'edgePayloadsPerSecond');
  if (ingest !== null) {
    const processed = m('ingest', 'step1Processed');
    lines.push(
      `- **Ingest** (${fmt(ingest)} payloads/s with everything running${edge === null ? '' : `, ${fmt(edge)} at the webhook edge alone`}; target 5,000; first run 3,303 and 3,522).`,
      '  Fixed: statements prepared once per connection (better-sqlite3 `prepare` was ~10 % of CPU), one shared tail of',
      '  `$all` instead of every subscriber re-querying the log after each commit (~7 %), and the inbox processor working',
      `  on 8 payloads at once (one contact in order) so its commands share group commits${processed === null ? '' : ` (${fmt(processed)} payloads/s turned into tickets at the 1,000/s step; 277 before)`}.`,
      "  What is left: one event loop does everything, and the group commit's fsync stands it still (up to ~28 % of wall",
      "  time at the edge alone), then the command path's stream reads (~8 %), the HTTP write path (~5 %) and GC.",
      '  Tried and dropped: committing on a worker thread that owns the write connection, so the loop serves HTTP during the',
      '  fsync. Measured back to back on this machine, quiet: the edge went from 4,573 to 4,174 payloads/s and saturation',
      '  with the processor from 2,737 to 2,025: on 2 cores the thread hop and the extra thread cost more than the fsync wait.',
      '  Durability is not negotiable: every 200 is an fsynced payload.',
      '  With the projector apart (scenario 1b, the default) it woke for every group commit of the webhook edge and committed',
      "  the read models' checkpoints for the inbox's payloads, which no read model handles: since 2026-12-06 such",
      '  checkpoint-only batches commit at most once per 50 ms (a lone one at once; handled events never wait). Back to',
      '  back against its parent, quiet machine: edge alone 2,001 → 2,693 payloads/s (0.57 → 0.40 ms CPU per payload, both',
      '  processes), saturation 2,001 → 2,275, the 1,000/s step 952 → 1,000 payloads/s acknowledged (1.70 → 1.59 ms),',
      "  80/s 10.15 → 9.13 ms; the lag with the projector apart unchanged within the runs' spread.",
      '  At 80/s the inbox processor wrote its checkpoint after every payload: an fsynced append of its own (a third of the',
      "  event store's commits at that rate, measured by timing every statement) and one more event in `$all` for every",
      '  follower. Since 2026-12-07 it writes at most every 200 ms (at once on shutdown; a crash replays those payloads, which',
      '  the wamid makes harmless). Back to back, 10 s at 80/s, two runs each: 5.42 and 5.00 → 4.67 and 4.21 ms of CPU per',
      '  payload in one process, 5.82 and 6.38 → 5.50 and 5.66 ms with the projector apart; events per payload 4.19 → 3.30;',
      '  at 1,000/s unchanged within the spread. What is left at 80/s is spread thin (perf: V8 builtins, the kernel 16 %,',
      '  SQLite 10 %): every payload wakes the HTTP stack, the processor, the commands and the projections on its own.',
      '  Part of the gap is the machine: the same pure JavaScript work (JSON and an HMAC of a 2 KB payload, none of our',
      '  code) took 1.5–1.8 times the CPU per operation at 80/s as back to back (612–727 against 394–398 µs).',
    );
  }
  const lag = m('lag', 'lagP99');
  if (lag !== null) {
    const command = m('lag', 'commandP50');
    const calmRate = m('lag', 'step1Rate');
    const calmLag = m('lag', 'step1LagP99');
    lines.push(
      `- **Projection lag** (p99 ${fmt(lag, 1)} ms at ${fmt(m('lag', 'rate') ?? 0)} messages/s${calmRate !== null && calmLag !== null ? `, ${fmt(calmLag, 1)} ms at ${fmt(calmRate)}/s` : ''}; target 50 ms; first run 6,851 ms).`,
      '  Fixed: the read models run as one projection group (one `$all` subscription, each batch applied to all six in one',
      '  read-store transaction, each with its own checkpoint) instead of six runners committing separately (~30 % less',
      '  CPU for the same load); the conversation fold is linear; `loadState` folds only what was appended since the state',
      `  it remembers. What is left: at 1,000/s the one event loop is close to saturated (a receive-message command takes ${fmt(command ?? 0, 1)} ms`,
      '  at the median, sent to done). Since issue 19 a warm message reads two streams, not six to eight: routes by',
      '  `phone_number_id` come from a cache the claim events invalidate, missing streams read as empty without an error.',
      "  The read store's statements and commits take ~12 % (batches are small at this rate, so commits are many), GC ~9 %.",
      '  A spike of queued commands is the p99. At this rate the service sits at the knee of its capacity on this 2-core',
      '  VM, so the p99 swings between runs: two full runs ten minutes apart on 2026-11-21, both with the machine otherwise',
      '  idle, gave 107 ms and 2,156 ms. Lever not taken: a short batching window for the group.',
    );
    const separate = m('lag-projector', 'lagP99');
    if (separate !== null)
      lines.push(
        `  The projector in its own process (scenario 2b: its own core; the embedded store wakes it through a watch of its`,
        `  directory, and the API reads its checkpoints when the read store's WAL changes): p99 ${fmt(separate, 1)} ms applied,`,
        `  ${fmt(m('lag-projector', 'graphqlP99') ?? 0, 1)} ms through GraphQL at ${fmt(m('lag-projector', 'rate') ?? 0)} messages/s, against`,
        `  ${fmt(lag, 1)} ms and ${fmt(m('lag', 'graphqlP99') ?? 0, 1)} ms in one process; the receive-message command's median`,
        `  ${fmt(m('lag-projector', 'commandP50') ?? 0, 1)} ms against ${fmt(command ?? 0, 1)} ms. Since 2026-12-06 this is the`,
        "  service's default: `npm start` runs the projector as its child process (`PROJECTIONS=child-process`).",
        '  What made it pay at low rates too: a commit reported (inotify) before it was readable is looked at again after',
        '  1, 2, 4 ... 128 ms, instead of waiting for the 2 s safety poll.',
        '  Since 2026-12-07 a read for a position the checkpoints last read already show applied is answered at once (no',
        "  read of the log's head, no timer hop, no checkpoint read), and the checkpoints are read in one query, not eight.",
        '  Back to back, 3,000 `tickets(atLeastPosition:)` requests one after another with the projector apart: 0.72–0.88',
        '  against 1.31–1.54 ms of CPU and 0.50–0.59 against 2.10–2.28 ms of wall time per request; a read of all eight',
        '  checkpoints 21–27 against 73–87 µs. Under the 1,000/s load the GraphQL p99 moved within its spread: the API loop',
        "  is then ~97 % busy (CPU profile), 16–31 % of it in the group commit's synchronous transaction.",
        '  Tried again and dropped, for the lag: the writer thread (commits on a worker thread with its own connection;',
        '  batches pipelined, those waiting merged into one transaction). With the projector apart the API loop was then',
        "  16 % idle, but three busy threads share two cores and every append waits for the thread's answer. Back to back,",
        '  two runs each: the command median 7.3 and 9.6 against 3.2 and 9.0 ms, the applied p99 83 and 95 against 36 and',
        '  67 ms (in one process: 117 against 70 ms). One batch at a time on the thread was worse (p99 130–225 ms).',
        "  Also tried and dropped: reading a stream's last revision from its events instead of upserting its row in",
        '  `streams` on every append (one random page fewer per commit). A micro-benchmark with 20,000 streams gave commits',
        '  20–28 % less wall time; in this scenario (a few thousand streams) the time in event-store transactions was 2.6 and',
        '  2.9 s against 2.5 and 2.8 s per run: the added index read on every stream read offset the upserts it saved.',
        '  Tried and dropped on 2026-12-07: the fsync alone off the loop. Timed per commit under this load (projector apart),',
        '  a group commit holds the API loop 0.5–1.2 ms on average (0.13 ms on a quiet machine), of which its statements take',
        "  0.06–0.36 ms: the rest is the WAL's fsync, slowed by the other processes' writes on the same disk. With SQLite at",
        "  `synchronous=NORMAL`, the WAL fsynced on libuv's thread pool, appends answered and subscribers woken only after that",
        '  fsync (so nothing acknowledged could be lost), a commit held the loop 0.18–0.59 ms, but the fsync took 1.0–5.4 ms on',
        '  the thread pool (two busy cores leave its thread waiting): two runs each, alternated, the command median 9.2 and 11.5',
        '  against 4.6 and 5.9 ms, the applied p99 85 and 70 against 57 and 61 ms. Nor did spacing commits at least 2 ms apart',
        '  (more appends per fsync): applied p99 84 and 71 against 78 and 55 ms, the command median 5.7 and 7.5 against',
        '  4.4 and 4.0 ms.',
      );
  }
  const rebuild = m('rebuild-sqlite', 'rebuildSqlite');
  const raw = m('rebuild-sqlite', 'rawRead');
  const storeRead = m('rebuild-sqlite', 'storeRead');
  if (rebuild !== null && raw !== null && storeRead !== null) {
    lines.push(
      `- **Rebuild** (${fmt(rebuild)} events/s, ${fmt((100 * rebuild) / raw, 1)} % of the raw read; targets 100,000 and 50 %; first run 9,852). Fixed: all read`,
      '  models are rebuilt blue/green from one read of `$all` (six before), in batches of 5,000 events, with the documents',
      "  they wrote kept parsed between batches, multi-row upserts through cached prepared statements (Kysely's SQLite",
      '  driver prepared every statement anew), and the query indexes built once before the switch. What is left (profile',
      `  of 300,000 events on SQLite): ~20 % reading \`$all\` (the store's \`readAll()\` alone runs at ${fmt(storeRead)} events/s), ~16 % GC,`,
      '  ~24 % SQLite (half executing the upserts, half COMMIT writing the pages to the WAL: each document is written about',
      "  once per batch it changes in), ~20 % the projections' own logic. Everything runs on one thread. Since issue 19 the",
      "  read of `$all` leaves undecoded the events no read model handles (the inbox's webhook payloads, the largest",
      '  events of the log, stay in SQLite). What would move it further: writing the read store from another thread, so',
      "  SQLite's work overlaps the projections'.",
    );
    const ceiling = m('rebuild-sqlite', 'twoCoreCeiling');
    const readCost = m('rebuild-sqlite', 'readCostMicros');
    const ownWork = m('rebuild-sqlite', 'ownWorkMicros');
    if (ceiling !== null && readCost !== null && ownWork !== null) {
      // Half the raw read on two cores leaves (2 cores / (raw / 2)) µs per event for one read and all the work.
      const allowedWork = (2 * 1e6) / (raw / 2) - readCost;
      lines.push(
        `  How far that could go is bounded by scenario 3's breakdown: with the projections' own work (${fmt(ownWork, 1)} µs per event)`,
        `  spread perfectly over both cores, ${fmt(ceiling)} events/s, ${fmt((100 * ceiling) / raw, 1)} % of the raw read. Half the raw read`,
        `  would need that work ${allowedWork > 0 ? `${fmt(ownWork / allowedWork, 1)} times smaller` : 'to vanish'}: a leaner projection code path, not more threads.`,
      );
    }
  }
  const pg = m('rebuild-postgres', 'rebuildPostgres');
  if (pg !== null && rebuild !== null) {
    lines.push(
      `- **PostgreSQL rebuild** (${fmt(pg)} events/s, ${fmt(pg / rebuild, 2)}× SQLite; first run 7,516): one multi-row upsert per table per batch, the builds'`,
      '  transactions side by side on the pool; the server shares the two cores with the rebuild.',
    );
  }
  const view = m('queries', 'q0P99');
  const unassigned = m('queries', 'q1P99');
  const views = m('queries', 'q2P99');
  const search = m('queries', 'q3P99');
  const rareSearch = m('queries', 'q4P99');
  const thread = m('queries', 'q5P99');
  const rareWord = m('queries', 'q6P99');
  const firstSearch = m('queries', 'q7P99');
  const firstSearchP50 = m('queries', 'q7P50');
  if (view !== null && unassigned !== null) {
    lines.push(
      `- **Queries** (view page p99 ${fmt(view, 2)} ms for "all-open", ${fmt(unassigned, 2)} ms for "unassigned"; target 5 ms; first run 45.6 and 486.8 ms).`,
      '  Fixed: `totalCount` and `ticketCount` are computed only when selected; counts on status, owner and latest-message',
      '  direction (every default view, most custom ones) are sums over counts the ticket list maintains per portal and',
      '  combination, so they cost the same at any portal size; other filters count at most 1,000 tickets (`totalCountCapped`);',
      '  an index fits every default view, so a page is one index walk with no sort (the SQL alone takes ~0.1 ms).',
      `  \`views { ticketCount }\`: p99 ${views === null ? '—' : fmt(views, 2)} ms for five (1,186 ms before). What is left in a page is the GraphQL`,
      '  pipeline (auth, cost limits, serialisation); since issue 19 a repeated document is neither parsed nor validated',
      '  again (a cache of valid documents bounded in bytes, `GRAPHQL_DOCUMENT_CACHE_MB`). Since 2026-12-06 a bearer token',
      '  verified once is remembered (a request verified it three times: rate limit, document gate, guard; each a WebCrypto',
      "  trip to libuv's thread pool, 22 % of a page's wall time idle) and DateTime answers stored UTC strings as they are:",
      '  on 10,000 tickets, 3,000 pages one at a time, three runs each against the parent: p50 1.60–2.12 → 1.06–1.23 ms,',
      '  p90 3.20–4.49 → 1.51–1.91 ms, p99 7.47–9.97 → 5.69–6.59 ms; with a plain copy in the ticket model as well (its rest',
      '  spread took 4 %), p50 1.03–1.06, p90 1.43–1.49, p99 4.34–4.72 ms.',
      "  What is left: graphql-js's per-field work (a page of 25 tickets resolves ~250 fields, ~0.4 MB allocated per request,",
      '  so a 2–3 ms scavenge every ~20 pages is the p99), Kysely building the query anew per request (~10 %), JSON.parse of',
      '  the rows. Search goes through a trigram',
      `  index since issue 19 (SQLite FTS5 \`trigram\`, PostgreSQL \`pg_trgm\`): p99 ${search === null ? '—' : fmt(search, 1)} ms for a common word (31.5 ms before),`,
      `  ${rareWord === null ? '—' : fmt(rareWord, 1)} ms for a rare word (an order number), ${rareSearch === null ? '—' : fmt(rareSearch, 1)} ms for a rare phrase of common words.`,
      '  Since 2026-12-06 each trigram of the term is counted from its newest 500 rows in the FTS5 table, or estimated from',
      '  the rowid span they cover, and the rows holding the three narrowest are the candidates (an AND of single trigrams:',
      '  FTS5 walks the narrowest list and skips through the others, with no position checks), each read and checked with',
      '  LIKE and the portal. Before, a term needed a trigram in fewer than 2,000 rows to use the index at all: at 3M message',
      '  rows every trigram of an order number is in 5,000–20,000, so "#88773" and the rare phrase were scanned (1,616 ms',
      "  p99 for the phrase in the previous full run). A term named by ids is then read through the ticket list's primary",
      '  key (`+portal_id`): without ANALYZE statistics SQLite walked the 700,000 open tickets in updated_at order to spare',
      '  the sort of 50 (page 80 ms, count 72 ms; now 0.4 and 0.3). Measured back to back in `search-bound.bench.js` at 1M',
      '  tickets: a rare word 284.8 → 1.9 ms CPU, a word only another portal wrote 248.9 → 1.6 ms, a common word 5.8 → 5.4 ms.',
      "  The narrowest trigram's rows are then counted, up to 150,000, before the candidates' walk follows them: an estimate",
      '  from the newest rows misses a trigram written mostly long ago, which could have made one statement walk millions of',
      "  index entries. That count costs the rare phrase's condition about 3 ms (5.4 → 8.5 ms on the bench's data).",
      "  Since the evening of 2026-12-06 the candidates' AND is walked once (their rowids first, then the rows by rowid;",
      '  counting them, then joining the same walk to the rows walked it twice): the rare phrase p50 9.7–10.7 → 8.3–8.5 ms,',
      "  alternated 3 times on the bench's data. The API's read connection has a 64 MiB page cache (`READ_STORE_CACHE_MIB`;",
      "  better-sqlite3's is 16 MiB, fewer pages than one common-word search touches at 1M tickets): a common word's p50",
      '  13.1–14.3 → 8.2–11.7 ms, alternated 4 times. A commit by another connection empties it, so under a steady write',
      "  load it helps less. And a term found common (past 2,000 of the portal's rows) is remembered for a minute, per",
      '  portal (`CommonTerms`, 10,000 terms at most): the next page of the same search, or the same search again, skips',
      '  the trigram probes and the LIKE slice that decide it (p50 7.4–8.3 → 3.5–3.6 ms, alternated 3 times). The verdict',
      '  only chooses how the search runs (ticket by ticket rather than by ids), never what it finds, and rare verdicts are',
      `  never remembered. Searched for the first time, common words take p50 ${firstSearchP50 === null ? '—' : fmt(firstSearchP50, 1)} / p99 ${firstSearch === null ? '—' : fmt(firstSearch, 1)} ms (each substring of five common`,
      '  words once, in the row "searched for the first time" above): the figure to compare with the 10 ms target when an',
      '  agent types a new word.',
      "  Where that goes, timed per statement on the bench's data (2026-12-07, 72 terms, 13.5 ms a term on average): the",
      "  capped `totalCount` 5.5 ms, the LIKE scan slice that finds the term common 3.5 ms, counting the narrowest trigram's",
      '  rows up to 10,001 0.55 ms, the page itself 0.35 ms, the rest (GraphQL, JSON, GC) about 3.5 ms. The count reads',
      "  about 1,800 of the index's hits to find 1,001 distinct open tickets (1,430 tickets), and most of its time is the",
      '  ticket read by id for each hit (a text key: its index, then the row), about 1 µs each. Tried and dropped: naming',
      '  each ticket once before reading it (within the noise of alternated runs) and a memory-mapped read connection (no',
      "  gain with warm pages, and mapped pages count in the RSS the memory target measures). Walking the term's own FTS5",
      '  hits to decide "common" instead of the LIKE slice would cost about 1 ms for a common term (2,001 hits of "refund":',
      '  0.3 ms), but FTS5 cannot stop early for a rare phrase of common trigrams: it reads their whole doclists (the rare',
      '  phrase: 124 ms for its 48 hits), so one statement would no longer be bounded.',
      '  A term whose every trigram is in most rows (there, the phrase: each of its trigrams in a third of the rows or more)',
      '  is still scanned with LIKE, newest first, in slices of 20,000 rowids with the event loop given back between them,',
      '  at most 2 scans at a time (`SEARCH_MAX_CONCURRENT`): 270 ms of CPU at 3M rows, never holding the loop for more',
      '  than a slice. Slicing the FTS5 query by rowid instead did not bound it: each slice cost about the whole query.',
      `  A thread (p99 ${thread === null ? '—' : fmt(thread, 2)} ms) is a keyed range read.`,
    );
  }
  const longReplay = m('audit', 'cliJsonMs');
  const shortReplay = m('audit', 'shortJsonMs');
  const events = m('audit', 'events');
  const shortEvents = m('audit', 'shortEvents');
  const graphqlReplay = m('audit', 'graphqlMs');
  if (longReplay !== null && shortReplay !== null && events !== null && shortEvents !== null) {
    lines.push(
      `- **Audit replay** (${fmt(events)} events in ${fmt(longReplay)} ms; ${fmt(shortEvents)} events in ${fmt(shortReplay, 1)} ms: ${fmt(events / shortEvents, 0)}× the events, ${fmt(longReplay / shortReplay, 0)}× the time;`,
      "  first run 1,636 ms, quadratic). Fixed: the conversation's message maps are persistent (`AppendOnlyMap`), so",
      '  `evolve` no longer copies the whole map per message event; the same fold serves every command on a conversation.',
      `  GraphQL \`conversationHistory\` (${graphqlReplay === null ? '—' : fmt(graphqlReplay)} ms) spends the difference on mapping and serialising the entries.`,
    );
  }
  const rss = m('queries', 'peakRssMiB');
  const rssBefore = m('queries', 'baselineRssMiB');
  const ingestRss = m('ingest', 'peakRssMiB');
  const ingestBefore = m('ingest', 'baselineRssMiB');
  const ingestHeap = m('ingest', 'peakHeapMiB');
  const retainedRss = m('queries', 'retainedRssMiB');
  const retainedHeap = m('queries', 'retainedHeapMiB');
  if (rss !== null) {
    lines.push(
      `- **Memory** (peak RSS ${fmt(rss)} MiB serving queries on the large data${rssBefore === null ? '' : `, ${fmt(rssBefore)} MiB before the service started`};` +
        ` ${ingestRss === null ? '—' : fmt(ingestRss)} MiB under ingest${ingestBefore === null ? '' : `, from ${fmt(ingestBefore)} MiB`}, V8 heap ${ingestHeap === null ? '—' : fmt(ingestHeap)} MiB; target 256 MB at 1M tickets).`,
      retainedRss === null || retainedHeap === null
        ? '  (No figure after a full GC in this run.)'
        : `  After serving, once a full GC ran: RSS ${fmt(retainedRss)} MiB and V8 heap ${fmt(retainedHeap)} MiB. The rest of the peak is garbage`,
      '  waiting for the collector while the closed-loop clients run hundreds of requests per second. V8 lets the heap grow',
      '  up to 4× past what a full collection kept when collecting is cheap; since 2026-12-07 the API sets it to 25 %',
      "  (`HEAP_GROWTH_PERCENT`). Alternated twice on the bench's data (this scenario alone): peak RSS 358 and 387 → 239 and",
      "  233 MiB, V8 heap 201 and 235 → 110 and 111 MiB, the same requests per second within the runs' spread. It is not a",
      '  hard limit: V8 starts collecting at the limit and lets the program allocate while it marks, so a slow run peaks',
      '  higher. We report the peak against the target.',
      '  The figure is the whole process: Node.js, the loaded modules and the benchmark harness come first (the idle API alone,',
      "  on an empty store: about 180 MiB), then SQLite's page cache (up to 64 MiB, `READ_STORE_CACHE_MIB`). The caches are",
      '  bounded: 1,000 prepared statements, 1,000 documents per read-model table live (10,000 in a rebuild), 5,000',
      '  remembered stream states per kind. The session-expiry service holds no per-session state: it pages the due',
      '  sessions from the session_expiry read model, so open conversations do not grow the heap.',
    );
  }
  return lines.join('\n');
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
