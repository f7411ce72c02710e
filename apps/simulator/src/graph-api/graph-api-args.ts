import { parseArgs } from 'node:util';
import { readTargetsFile } from '@helpdesk/demo';
import { webhookUrl } from '../run-simulation.js';
import type { DemoGraphApiOptions } from './demo-graph-api.js';

export const GRAPH_API_USAGE = `Usage: simulate graph-api --port <port> --targets <file.json> [options]

Serves a local fake of Meta's Graph API on 127.0.0.1 until stopped (Ctrl-C). Start the API with
WHATSAPP_API_URL=http://127.0.0.1:<port> and the same WHATSAPP_ACCESS_TOKEN: replies get wamids
from the fake, which then posts signed sent, delivered and read status webhooks for them.

Options:
  --port <port>                   1-65535, on 127.0.0.1 only
  --targets <file.json>           written by \`helpdesk seed-demo --out\`: the WABA and numbers it answers for
  --url <url>                     API base URL or webhook URL (default http://127.0.0.1:3000 -> /webhooks/whatsapp)
  --secret <secret>               Meta app secret the statuses are signed with (default: $WHATSAPP_APP_SECRET)
  --access-token <token>          the bearer token it accepts (default: $WHATSAPP_ACCESS_TOKEN)
  --status-delay-ms <ms>          before each status of a message (default 1000)
  --help`;

export type ParsedGraphApiArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'serve'; readonly options: Omit<DemoGraphApiOptions, 'onEvent' | 'now'> };

/** Throws an Error listing every problem with the command line (the arguments after `graph-api`). */
export function parseGraphApiArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedGraphApiArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      port: { type: 'string' },
      targets: { type: 'string' },
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      secret: { type: 'string' },
      'access-token': { type: 'string' },
      'status-delay-ms': { type: 'string', default: '1000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { kind: 'help' };
  const problems: string[] = [];
  const port = /^\d{1,5}$/.test(values.port ?? '') ? Number(values.port) : NaN;
  if (!(port >= 1 && port <= 65535))
    problems.push(`--port must be a port number from 1 to 65535 (got '${values.port ?? ''}')`);
  const statusDelayMs = /^\d{1,7}$/.test(values['status-delay-ms']) ? Number(values['status-delay-ms']) : NaN;
  if (Number.isNaN(statusDelayMs)) {
    problems.push(`--status-delay-ms must be a whole number of milliseconds (got '${values['status-delay-ms']}')`);
  }
  const appSecret = values.secret ?? env.WHATSAPP_APP_SECRET ?? '';
  if (!appSecret) problems.push('give --secret or set WHATSAPP_APP_SECRET: the API refuses unsigned status webhooks');
  const accessToken = values['access-token'] ?? env.WHATSAPP_ACCESS_TOKEN ?? '';
  if (!accessToken) {
    problems.push("give --access-token or set WHATSAPP_ACCESS_TOKEN: the API's token, the only one the fake accepts");
  }
  let targets: DemoGraphApiOptions['targets'] = [];
  if (!values.targets) problems.push('give --targets, the file `helpdesk seed-demo --out` wrote');
  else {
    try {
      targets = readTargetsFile(values.targets).targets;
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  let url = '';
  try {
    url = webhookUrl(values.url);
  } catch {
    problems.push(`--url '${values.url}' is not a URL`);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { kind: 'serve', options: { port, accessToken, targets, webhookUrl: url, appSecret, statusDelayMs } };
}
