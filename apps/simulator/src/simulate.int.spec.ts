import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulate, type SimulateIo } from './simulate.js';

/** A stand-in for the API that accepts every payload. */
async function startAcceptingServer() {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests++;
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: SimulateIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: {},
    stderrIsTty: false,
    now: new Date('2025-06-01T09:00:00.000Z'),
  };
  const code = await simulate(argv, io);
  return { code, stdout, stderr };
}

const PROGRESS = /^simulate \[[#.]+\] +[\d.]+% {2}([\d,]+)\/([\d,]+) payloads done$/gm;

describe('simulate --progress', () => {
  let server: Awaited<ReturnType<typeof startAcceptingServer>>;
  beforeAll(async () => void (server = await startAcceptingServer()));
  afterAll(() => server.close());

  const argv = () => [
    '--url',
    server.url,
    '--secret',
    'test-app-secret',
    '--phone-number-id',
    '106540352242922',
    '--display-number',
    '+15550783881',
    '--count',
    '40',
    '--rate',
    '400',
    '--duplicates',
    '0',
  ];

  it('shows the payloads done advancing on stderr, and leaves stdout to the summary', async () => {
    const plain = await run(argv());
    const shown = await run([...argv(), '--progress']);
    expect([plain.code, shown.code]).toEqual([0, 0]);
    expect(plain.stderr).toBe('');

    const counts = [...shown.stderr.matchAll(PROGRESS)].map((match) => [Number(match[1]), Number(match[2])]);
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(counts[0][0]).toBeLessThan(counts.at(-1)![0]);
    expect(counts.at(-1)).toEqual([40, 40]);
    expect(shown.stderr.replace(PROGRESS, '').trim()).toBe('');

    // The same lines on stdout. The numbers are timings, and so is the lag line's advice (it appears
    // only when the run fell behind its schedule, which a loaded machine decides), so both are masked.
    const shape = (text: string) =>
      text.split('\n').map((line) => line.replace(/\s+\(fell behind.*\)$/, '').replace(/[\d.,]+/g, 'N'));
    expect(shape(shown.stdout)).toEqual(shape(plain.stdout));
    expect(shown.stdout).not.toMatch(/payloads done|\r/);
    expect(server.requests()).toBe(80);
  });
});
