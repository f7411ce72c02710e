/**
 * `npm run test:esdb [-- <version or image>]`: starts a throwaway EventStoreDB/KurrentDB in Docker (in memory,
 * insecure, on a free port), runs the contract suite against it and only it, then stops it.
 *   npm run test:esdb              # EventStoreDB 24.10
 *   npm run test:esdb -- 25.1      # KurrentDB 25.1
 *   npm run test:esdb -- some/image:tag
 * CONTRACT_STORES still narrows as usual (set it to "" to also run the embedded and in-process stores).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

const IMAGES = {
  '23.10': 'eventstore/eventstore:23.10.0-bookworm-slim',
  '24.10': 'docker.eventstore.com/eventstore/eventstoredb-ee:24.10.4',
  25.1: 'docker.kurrent.io/kurrent-latest/kurrentdb:25.1',
};
const STARTUP_SECONDS = 120;

const wanted = process.argv[2] ?? '24.10';
const image = IMAGES[wanted] ?? (wanted.includes('/') || wanted.includes(':') ? wanted : undefined);
if (!image) {
  process.stderr.write(`unknown version '${wanted}': one of ${Object.keys(IMAGES).join(', ')}, or an image name\n`);
  process.exit(2);
}

function docker(...args) {
  const result = spawnSync('docker', args, { encoding: 'utf8' });
  if (result.error || result.status !== 0)
    throw new Error(`docker ${args[0]} failed: ${(result.error?.message ?? result.stderr).trim()}`);
  return result.stdout.trim();
}

/** A port nobody listens on now, for the server's 2113. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilLive(port) {
  const deadline = Date.now() + STARTUP_SECONDS * 1000;
  for (;;) {
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/health/live`);
      if (answer.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`the server did not answer /health/live in ${STARTUP_SECONDS} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

let container;
let exitCode = 1;
try {
  docker('version', '--format', '{{.Server.Version}}');
  const port = await freePort();
  process.stdout.write(`starting ${image} on port ${port}…\n`);
  container = docker('run', '--rm', '-d', '-p', `${port}:2113`, image, '--insecure', '--mem-db');
  await waitUntilLive(port);
  const jest = spawn(
    process.execPath,
    ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--runInBand', 'test/contract'],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        EVENTSTORE_TEST_URL: `esdb://127.0.0.1:${port}?tls=false`,
        CONTRACT_STORES: process.env.CONTRACT_STORES ?? 'real server',
      },
    },
  );
  exitCode = await new Promise((resolve) => jest.on('exit', (code) => resolve(code ?? 1)));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  if (container) spawnSync('docker', ['stop', container], { stdio: 'ignore' });
}
process.exit(exitCode);
