import { serveGraphApi } from './graph-api/serve-graph-api.js';
import { simulate } from './simulate.js';

const stop = new AbortController();
// Ctrl-C stops scheduling; what is in flight finishes and the summary still prints.
process.once('SIGINT', () => stop.abort());

/**
 * `npm run simulate -- --targets demo-targets.json --rate 50 --duration 30`: see SIMULATE_USAGE.
 * `simulate graph-api ...` serves the fake Graph API instead of sending traffic.
 */
const run =
  process.argv[2] === 'graph-api'
    ? serveGraphApi(process.argv.slice(3), process.env)
    : simulate(process.argv.slice(2), {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        env: process.env,
        stderrIsTty: process.stderr.isTTY === true,
        now: new Date(),
        signal: stop.signal,
      });

run.then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
