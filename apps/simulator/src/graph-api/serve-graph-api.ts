import { DemoGraphApi, type DemoGraphApiEvent } from './demo-graph-api.js';
import { GRAPH_API_USAGE, parseGraphApiArgs } from './graph-api-args.js';

/** `npm run simulate -- graph-api --port 4010 --targets demo-targets.json`: serves until Ctrl-C. */
export async function serveGraphApi(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed;
  try {
    parsed = parseGraphApiArgs(argv, env);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${GRAPH_API_USAGE}\n`);
    return 2;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(`${GRAPH_API_USAGE}\n`);
    return 0;
  }
  let api: DemoGraphApi;
  try {
    api = await DemoGraphApi.start({
      ...parsed.options,
      onEvent: (event) => process.stdout.write(`${describe(event)}\n`),
    });
  } catch (error) {
    // A port in use or not ours to take: say so plainly, not with a stack.
    process.stderr.write(`cannot listen on 127.0.0.1:${parsed.options.port}: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(
    `fake Graph API on ${api.baseUrl} (WHATSAPP_API_URL), statuses to ${parsed.options.webhookUrl}; Ctrl-C stops it\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await api.close();
  return 0;
}

function describe(event: DemoGraphApiEvent): string {
  if (event.kind === 'accepted') {
    const { type, recipientWaId, phoneNumberId, wamid } = event.message;
    return `accepted ${type} from ${phoneNumberId} to ${recipientWaId}: ${wamid}`;
  }
  return `${event.status} ${event.wamid} -> ${event.httpStatus ?? 'no answer'}`;
}
