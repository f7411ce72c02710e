/**
 * Nothing acknowledged is lost, nothing is applied twice: the real API (a separate process, its
 * read models in the child process it starts, as by default) is
 * SIGKILLed at random moments while the simulator sends 10,000 messages the way Meta does
 * (resend until 200; redeliveries, out-of-order statuses and unknown numbers mixed in), and
 * restarted on the same data each time. Afterwards every message is in its thread exactly once
 * and every projection equals a rebuild from the history.
 *
 * RELIABILITY_LONG=1 runs the long variant (more messages, more kills); KILL_TEST_SEED replays a
 * run and KILL_TEST_MESSAGES sets the size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectAfterTheFire } from './after-the-fire.js';
import { type UnderFireReport, runUnderFire } from './api-under-fire.js';

const LONG = process.env.RELIABILITY_LONG === '1';
const SEED = Number(process.env.KILL_TEST_SEED ?? 20_261_121);
const MESSAGES = Number(process.env.KILL_TEST_MESSAGES ?? (LONG ? 50_000 : 10_000));
const KILLS = LONG ? 25 : 6;
const API = fileURLToPath(new URL('api-server.child.cjs', import.meta.url));
const REGISTER_TS = fileURLToPath(new URL('register-ts.cjs', import.meta.url));

describe(`The API SIGKILLed ${KILLS} times under ${MESSAGES} messages with Meta-style retries (seed ${SEED})`, () => {
  let dataDir: string;
  let run: UnderFireReport;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'api-kill9-'));
    run = await runUnderFire({
      dataDir,
      // As the service runs by default: the read models in a child process (PROJECTIONS=child-process),
      // started again by each new API; the require hook reaches it through execArgv.
      apiCommand: [process.execPath, '--require', REGISTER_TS, API],
      messages: MESSAGES,
      kills: KILLS,
      seed: SEED,
      concurrency: 32,
    });
  }, 900_000);

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('was really killed mid-traffic: requests failed and were retried', () => {
    expect(run.kills).toBe(KILLS);
    expect(run.messagesSent).toHaveLength(MESSAGES);
    expect(run.answers['200']).toBe(run.payloads.length);
    // Each kill cut connections or refused them while the API restarted: Meta's retries did the rest.
    expect(run.answers.none ?? 0).toBeGreaterThan(0);
    expect(run.requests).toBeGreaterThan(run.payloads.length);
  });

  describe('afterwards, on the data the killed processes left', () => {
    let after: Awaited<ReturnType<typeof inspectAfterTheFire>>;

    beforeAll(async () => {
      after = await inspectAfterTheFire(dataDir);
    }, 600_000);

    it('holds every acknowledged payload in the inbox', () => {
      const missing = run.payloads.filter((payload) => !after.storedBodies.has(payload.body));
      expect(missing.map((payload) => payload.description.seq)).toEqual([]);
    });

    it('recorded every message exactly once, and shows it exactly once in its thread', () => {
      const notOnce = (counts: ReadonlyMap<string, number>) =>
        run.messagesSent.filter((wamid) => counts.get(wamid) !== 1);
      expect(notOnce(after.receivedEvents)).toEqual([]);
      expect(notOnce(after.threadEntries)).toEqual([]);
      // Nothing else got in: messages to numbers nobody connected stay out.
      expect(after.threadEntries.size).toBe(run.messagesSent.length);
      expect(after.payloadFailures).toBe(0);
    });

    it('has every projection equal to a rebuild from the history', () => {
      expect(after.projections).toBeGreaterThan(0);
      expect(after.drifted).toEqual([]);
    });
  });
});
