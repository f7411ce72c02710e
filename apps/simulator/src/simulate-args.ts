import { parseArgs } from 'node:util';
import type { KnownContact } from './contact-pool.js';
import type { SimulationOptions } from './run-simulation.js';
import { webhookUrl } from './run-simulation.js';
import { readTargetsFile } from '@helpdesk/demo';
import { TRAFFIC_DEFAULTS, problemsWith, type BusinessNumber } from './traffic-options.js';

export const SIMULATE_USAGE = `Usage: simulate --secret <app secret> --rate <payloads/s> (--duration <s> | --count <n>) [options]

Sends signed, Meta-shaped WhatsApp webhook traffic to the help desk API, paced at a fixed rate.

Target numbers (one of):
  --targets <file.json>           written by \`helpdesk seed-demo --out\`
  --phone-number-id <id> --display-number <number>   repeatable, paired in order
  --waba-id <id>                  WABA id for the numbers given on the command line (default 100000000000001)

Options:
  --url <url>                     API base URL or webhook URL (default http://127.0.0.1:3000 -> /webhooks/whatsapp)
  --secret <secret>               Meta app secret (default: $WHATSAPP_APP_SECRET)
  --rate <n>                      payloads per second (default 10)
  --duration <s> | --count <n>    when to stop
  --seed <n>                      PRNG seed: same seed, same traffic (default 1)
  --start <ISO>                   Meta timestamp of the first payload (default: now, and after the channel's connection)
  --contacts <n>                  contact pool size (default ${TRAFFIC_DEFAULTS.contacts})
  --duplicates <share>            redelivered payloads (default ${TRAFFIC_DEFAULTS.duplicates})
  --out-of-order <share>          status lifecycles with a late status (default ${TRAFFIC_DEFAULTS.outOfOrder})
  --unknown-number <share>        payloads to a number nobody connected (default ${TRAFFIC_DEFAULTS.unknownNumber})
  --batch <n>                     max messages or statuses per change (default ${TRAFFIC_DEFAULTS.batch})
  --multi-entry <share>           payloads with several entries (default ${TRAFFIC_DEFAULTS.multiEntry})
  --concurrency <n>               requests in flight at most (default 32)
  --max-attempts <n>              attempts per payload, retries included (default 6)
  --retry-base-ms <ms>            first backoff, doubled each retry (default 200, capped at 5000)
  --timeout-ms <ms>               per request (default 10000)
  --log <file.ndjson>             one line per request
  --progress                      payloads done on stderr (always on a terminal; stdout keeps only the summary)
  --help`;

export type ParsedSimulateArgs =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'run';
      readonly options: Omit<SimulationOptions, 'onRequest' | 'signal'>;
      readonly logFile?: string;
      /** Progress on stderr even when it is not a terminal. */
      readonly progress: boolean;
    };

/** Throws an Error listing every problem with the command line. */
export function parseSimulateArgs(argv: readonly string[], env: NodeJS.ProcessEnv, now: Date): ParsedSimulateArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      secret: { type: 'string' },
      rate: { type: 'string', default: '10' },
      duration: { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string', default: '1' },
      start: { type: 'string' },
      targets: { type: 'string' },
      'phone-number-id': { type: 'string', multiple: true },
      'display-number': { type: 'string', multiple: true },
      'waba-id': { type: 'string', default: '100000000000001' },
      contacts: { type: 'string' },
      duplicates: { type: 'string' },
      'out-of-order': { type: 'string' },
      'unknown-number': { type: 'string' },
      batch: { type: 'string' },
      'multi-entry': { type: 'string' },
      concurrency: { type: 'string', default: '32' },
      'max-attempts': { type: 'string', default: '6' },
      'retry-base-ms': { type: 'string', default: '200' },
      'timeout-ms': { type: 'string', default: '10000' },
      log: { type: 'string' },
      progress: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { kind: 'help' };
  const problems: string[] = [];
  const number = (name: string, text: string | undefined, fallback?: number): number => {
    if (text === undefined) return fallback ?? NaN;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) problems.push(`--${name} must be a number (got '${text}')`);
    return value;
  };
  const { targets, contacts, connectedAt } = targetsFrom(values, problems);
  if ((values.count === undefined) === (values.duration === undefined)) {
    problems.push('give exactly one of --count and --duration');
  }
  const startAt = values.start ? new Date(values.start) : latest(now, connectedAt);
  const traffic = {
    appSecret: values.secret ?? env.WHATSAPP_APP_SECRET ?? '',
    targets,
    knownContacts: contacts,
    contacts: number('contacts', values.contacts, TRAFFIC_DEFAULTS.contacts),
    ...(values.count !== undefined && { count: number('count', values.count) }),
    rate: number('rate', values.rate),
    startAt,
    duplicates: number('duplicates', values.duplicates, TRAFFIC_DEFAULTS.duplicates),
    outOfOrder: number('out-of-order', values['out-of-order'], TRAFFIC_DEFAULTS.outOfOrder),
    unknownNumber: number('unknown-number', values['unknown-number'], TRAFFIC_DEFAULTS.unknownNumber),
    batch: number('batch', values.batch, TRAFFIC_DEFAULTS.batch),
    multiEntry: number('multi-entry', values['multi-entry'], TRAFFIC_DEFAULTS.multiEntry),
  };
  problems.push(...problemsWith(traffic));
  const durationSeconds = values.duration === undefined ? undefined : number('duration', values.duration);
  if (durationSeconds !== undefined && !(durationSeconds > 0)) problems.push('--duration must be positive');
  const concurrency = number('concurrency', values.concurrency);
  const retry = {
    maxAttempts: number('max-attempts', values['max-attempts']),
    baseDelayMs: number('retry-base-ms', values['retry-base-ms']),
    maxDelayMs: 5000,
    timeoutMs: number('timeout-ms', values['timeout-ms']),
  };
  if (!(concurrency >= 1) || !(retry.maxAttempts >= 1))
    problems.push('--concurrency and --max-attempts must be at least 1');
  let url = '';
  try {
    url = webhookUrl(values.url);
  } catch {
    problems.push(`--url '${values.url}' is not a URL`);
  }
  const seed = number('seed', values.seed);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const options = { url, seed, traffic, concurrency, retry, ...(durationSeconds !== undefined && { durationSeconds }) };
  return { kind: 'run', options, progress: values.progress, ...(values.log && { logFile: values.log }) };
}

function targetsFrom(
  values: { targets?: string; 'phone-number-id'?: string[]; 'display-number'?: string[]; 'waba-id': string },
  problems: string[],
): { targets: BusinessNumber[]; contacts: KnownContact[]; connectedAt?: Date } {
  const ids = values['phone-number-id'] ?? [];
  const numbers = values['display-number'] ?? [];
  if (ids.length !== numbers.length) problems.push('give one --display-number per --phone-number-id');
  const wabaId = values['waba-id'];
  const fromArgs = ids
    .slice(0, numbers.length)
    .map((phoneNumberId, i) => ({ phoneNumberId, displayNumber: numbers[i], wabaId }));
  if (!values.targets) return { targets: fromArgs, contacts: [] };
  try {
    const file = readTargetsFile(values.targets);
    return { ...file, targets: [...file.targets, ...fromArgs] };
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
    return { targets: fromArgs, contacts: [] };
  }
}

/**
 * Traffic starts no earlier than the channel's connection: older messages are not imported. Meta's
 * timestamps are whole seconds, so the first one must be the connection's second rounded up.
 */
function latest(now: Date, connectedAt: Date | undefined): Date {
  if (!connectedAt) return now;
  const firstWholeSecond = Math.ceil(connectedAt.getTime() / 1000) * 1000;
  return firstWholeSecond > now.getTime() ? new Date(firstWholeSecond) : now;
}
