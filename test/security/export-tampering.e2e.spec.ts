import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExportSigner, type ExportTrailer, type ExportedEvent, exportSigner } from '@helpdesk/audit';
import { loadConfig } from '@helpdesk/config';
import { parseExport, rechained } from '../../libs/audit/src/forgery.test-world.js';
import { seedConversations } from '../../apps/api/src/operations-api/operations.test-world.js';
import { ProjectionsService } from '../../apps/api/src/projections/projections.service.js';
import {
  type TicketsWorld,
  RECEIVED_AT,
  acme,
  globex,
  openTicketsWorld,
} from '../../apps/api/src/conversation/tickets.test-world.js';
import { runHelpdeskWith } from '../../apps/cli/src/cli.test-world.js';

/** What a verifier answered, in the same shape for the CLI and GraphQL. */
type Verdict = { ok: true } | { ok: false; kind: string; line: number; problem: string };

const VERIFY = `query ($n: String!, $c: ID, $p: Boolean) { verifyConversationExport(ndjson: $n, conversationId: $c, ofPortal: $p) { ok kind line problem } }`;

/** An export as text, and what it must be of. */
interface Subject {
  readonly name: string;
  readonly ndjson: string;
  /** `--conversation <id>` or `--portal <id>` for the CLI; the GraphQL `conversationId` or `ofPortal`. */
  readonly cliExpect: readonly string[];
  readonly conversationId?: string;
  readonly ofPortal?: boolean;
}

/** A change to an export: lines, hashes and trailer as the attacker leaves them. */
type Tamper = (ndjson: string, middle: number) => string;

/** A change to the events of an export, before the file is rebuilt from them. */
type Edit = (events: ExportedEvent[], middle: number) => ExportedEvent[];

const lineArray = (ndjson: string) => ndjson.trimEnd().split('\n');
const fromLines = (lines: readonly string[]) => `${lines.join('\n')}\n`;

/** A field of the middle event changed, as the JSON line, its hash left as exported. */
const editLine =
  (edit: (event: Record<string, any>) => void): Tamper =>
  (ndjson, middle) => {
    const lines = lineArray(ndjson);
    const event = JSON.parse(lines[middle]) as Record<string, any>;
    edit(event);
    lines[middle] = JSON.stringify(event);
    return fromLines(lines);
  };

const editEvent =
  (edit: (event: Record<string, any>) => void): Edit =>
  (events, middle) =>
    events.map((event, index) => {
      if (index !== middle) return event;
      const copy = structuredClone(event) as Record<string, any>;
      edit(copy);
      return copy as ExportedEvent;
    });

const FIELD_CHANGES: Record<string, { edit: (event: Record<string, any>) => void; field: string }> = {
  actor: { edit: (event) => (event.metadata.actorId = 'user:mallory'), field: 'metadata.actorId' },
  time: { edit: (event) => (event.created = '2020-01-01T00:00:00.000Z'), field: 'created' },
  tenant: { edit: (event) => (event.metadata.tenantId = globex), field: 'metadata.tenantId' },
  position: {
    edit: (event) => (event.position.commit = String(BigInt(event.position.commit) + 1n)),
    field: 'position',
  },
  revision: { edit: (event) => (event.revision = String(BigInt(event.revision) + 100n)), field: 'revision' },
  type: { edit: (event) => (event.type = 'TicketClosed'), field: 'type' },
  data: { edit: (event) => (event.data = { ...event.data, injected: true }), field: 'data' },
  'event id': { edit: (event) => (event.id = randomUUID()), field: 'id' },
  correlation: { edit: (event) => (event.metadata.correlationId = randomUUID()), field: 'metadata.correlationId' },
  stream: { edit: (event) => (event.stream = `${event.stream}-other`), field: 'stream' },
};

const STRUCTURAL: Record<string, { lines: Tamper; events: Edit; kind: string; line: (middle: number) => number }> = {
  'a line deleted from the middle': {
    lines: (ndjson, middle) => fromLines(lineArray(ndjson).filter((_, index) => index !== middle)),
    events: (events, middle) => events.filter((_, index) => index !== middle),
    kind: 'missing',
    line: (middle) => middle + 1,
  },
  'a line duplicated': {
    lines: (ndjson, middle) =>
      fromLines(lineArray(ndjson).flatMap((line, index) => (index === middle ? [line, line] : [line]))),
    events: (events, middle) => events.flatMap((event, index) => (index === middle ? [event, event] : [event])),
    kind: 'duplicate',
    line: (middle) => middle + 2,
  },
  'two lines swapped': {
    lines: (ndjson, middle) => {
      const lines = lineArray(ndjson);
      [lines[middle], lines[middle + 1]] = [lines[middle + 1], lines[middle]];
      return fromLines(lines);
    },
    events: (events, middle) => {
      const copy = [...events];
      [copy[middle], copy[middle + 1]] = [copy[middle + 1], copy[middle]];
      return copy;
    },
    kind: 'reordered',
    line: (middle) => middle + 1,
  },
};

const otherKey = (): ExportSigner =>
  exportSigner(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

/**
 * The reviewer's finding: a rewritten actor, time, tenant or position, a deleted, duplicated or
 * swapped line, a cut-off end, all re-chained, verified as intact. Now, for a conversation and a
 * portal export, every change is refused by `helpdesk export verify` offline (file and public key
 * only), by the CLI with the store and by GraphQL `verifyConversationExport`, with one verdict.
 */
describe('tampered audit exports', () => {
  let world: TicketsWorld;
  let env: Record<string, string>;
  let serviceKey: ExportSigner;
  let publicKeyFile: string;
  let subjects: Subject[];
  let otherConversation: Subject;
  let otherPortal: Subject;
  let auditor: string;
  let file = 0;

  beforeAll(async () => {
    world = await openTicketsWorld();
    env = { DATA_DIR: world.dataDir };
    world.clock.set(RECEIVED_AT);
    const { conversationId } = await world.receive('wamid.tamper-1', 'Where is my order?');
    await world.receive('wamid.tamper-2', 'Any news?');
    await world.receive('wamid.tamper-3', 'Hello?');
    const [otherId] = await seedConversations(world, 1, 'other');
    await world.app.get(ProjectionsService).whenCaughtUp();
    auditor = await world.token(acme, 'auditor', 'auditor-1');
    serviceKey = exportSigner(loadConfig(env).exportSigning.privateKeyPem);
    publicKeyFile = join(world.dataDir, 'export-public-key.pem');
    expect((await cli('export', 'public-key', '--out', publicKeyFile)).code).toBe(0);

    const exported = async (...argv: string[]) => {
      const out = join(world.dataDir, `export-${argv.join('-')}.ndjson`);
      // Nothing on stderr but the store it opened.
      expect(await cli('export', ...argv, '--out', out)).toMatchObject({
        code: 0,
        stderr: `helpdesk export: event store ${join(world.dataDir, 'events.sqlite')}\n`,
      });
      return readFileSync(out, 'utf8');
    };
    const conversationNdjson = await exported('conversation', conversationId);
    // GraphQL and the CLI write the same bytes (nothing is quarantined here).
    const graphqlExport = await world.graphql(
      'query ($c: ID!) { conversationExport(conversationId: $c) { ndjson } }',
      { c: conversationId },
      auditor,
    );
    expect((graphqlExport.data?.conversationExport as { ndjson: string }).ndjson).toBe(conversationNdjson);
    subjects = [
      {
        name: 'conversation',
        ndjson: conversationNdjson,
        cliExpect: ['--conversation', conversationId],
        conversationId,
      },
      { name: 'portal', ndjson: await exported('portal', acme), cliExpect: ['--portal', acme], ofPortal: true },
    ];
    otherConversation = { name: 'other conversation', ndjson: await exported('conversation', otherId), cliExpect: [] };
    otherPortal = { name: 'other portal', ndjson: await exported('portal', globex), cliExpect: [] };
    for (const subject of subjects) expect(lineArray(subject.ndjson).length).toBeGreaterThan(4);
  });

  afterAll(() => world.close());

  function cli(...argv: string[]) {
    return runHelpdeskWith(env, ...argv);
  }

  function cliVerdict(run: { code: number; stdout: string; stderr: string }): Verdict {
    if (run.code === 0) return { ok: true };
    // After the line naming the store (or DATA_DIR) it opened, the verdict alone.
    const verdict = run.stderr.replace(/^helpdesk export: (event store|DATA_DIR) [^\n]*\n/, '');
    const match = /^verify: .* line (\d+): ([a-z-]+): (.*)\n$/.exec(verdict);
    if (!match) throw new Error(`unexpected verify output (${run.code}): ${run.stderr}${run.stdout}`);
    return { ok: false, kind: match[2], line: Number(match[1]), problem: match[3] };
  }

  /** The three verifiers on one text, as `subject` expects it. */
  async function verdicts(
    ndjson: string,
    subject: Subject,
  ): Promise<{ offline: Verdict; store: Verdict; graphql: Verdict }> {
    const path = join(world.dataDir, `tampered-${(file += 1)}.ndjson`);
    writeFileSync(path, ndjson);
    const offline = cliVerdict(
      await cli('export', 'verify', path, '--offline', '--public-key', publicKeyFile, ...subject.cliExpect),
    );
    const store = cliVerdict(await cli('export', 'verify', path, ...subject.cliExpect));
    const answer = await world.graphql(
      VERIFY,
      { n: ndjson, c: subject.conversationId ?? null, p: subject.ofPortal ?? null },
      auditor,
    );
    expect(answer.errors).toBeUndefined();
    const { ok, kind, line, problem } = answer.data?.verifyConversationExport as {
      ok: boolean;
      kind: string;
      line: number;
      problem: string;
    };
    return { offline, store, graphql: ok ? { ok: true } : { ok: false, kind, line, problem } };
  }

  /** Refused by all three with the same verdict, of this kind at this line. */
  async function expectRefused(ndjson: string, subject: Subject, kind: string, line: number): Promise<void> {
    const { offline, store, graphql } = await verdicts(ndjson, subject);
    expect(offline).toMatchObject({ ok: false, kind, line });
    expect(store).toEqual(offline);
    expect(graphql).toEqual(offline);
  }

  const middleOf = (subject: Subject) => Math.floor(parseExport(subject.ndjson).events.length / 2);
  const trailerLine = (subject: Subject) => parseExport(subject.ndjson).events.length + 1;
  const parts = (subject: Subject): { events: ExportedEvent[]; trailer: ExportTrailer } => parseExport(subject.ndjson);
  const subjectNamed = (name: string) => subjects.find((subject) => subject.name === name)!;

  describe.each(['conversation', 'portal'])('of a %s', (name) => {
    it('verifies untouched, offline, with the store and over GraphQL', async () => {
      const subject = subjectNamed(name);
      expect(await verdicts(subject.ndjson, subject)).toEqual({
        offline: { ok: true },
        store: { ok: true },
        graphql: { ok: true },
      });
    });

    it.each(Object.keys(FIELD_CHANGES))(
      'refuses a changed %s: edited, re-chained, or signed with another key',
      async (change) => {
        const subject = subjectNamed(name);
        const middle = middleOf(subject);
        const { edit } = FIELD_CHANGES[change];
        await expectRefused(editLine(edit)(subject.ndjson, middle), subject, 'chain', middle + 1);
        const { events, trailer } = parts(subject);
        const edited = editEvent(edit)(events, middle);
        await expectRefused(rechained(trailer.scope, edited, trailer), subject, 'signature', trailerLine(subject));
        await expectRefused(
          rechained(trailer.scope, edited, trailer, otherKey()),
          subject,
          'unknown-key',
          trailerLine(subject),
        );
        const impostor = otherKey();
        await expectRefused(
          rechained(trailer.scope, edited, trailer, { ...impostor, keyId: serviceKey.keyId }),
          subject,
          'signature',
          trailerLine(subject),
        );
      },
    );

    it.each(Object.keys(STRUCTURAL))('refuses %s: as is, re-chained, or signed with another key', async (change) => {
      const subject = subjectNamed(name);
      const middle = middleOf(subject);
      const { lines, events: edit } = STRUCTURAL[change];
      const tampered = lines(subject.ndjson, middle);
      const kinds = await verdicts(tampered, subject);
      expect(kinds.offline).toMatchObject({ ok: false, kind: 'chain' });
      expect(kinds.store).toEqual(kinds.offline);
      expect(kinds.graphql).toEqual(kinds.offline);
      const { events, trailer } = parts(subject);
      const edited = edit(events, middle);
      const line = edited.length + 1;
      await expectRefused(rechained(trailer.scope, edited, trailer), subject, 'signature', line);
      await expectRefused(rechained(trailer.scope, edited, trailer, otherKey()), subject, 'unknown-key', line);
    });

    it('refuses the end cut off, the trailer removed, or everything re-chained and cut', async () => {
      const subject = subjectNamed(name);
      const lines = lineArray(subject.ndjson);
      await expectRefused(fromLines(lines.slice(0, -2)), subject, 'truncated', lines.length - 1);
      await expectRefused(fromLines(lines.slice(0, -1)), subject, 'truncated', lines.length);
      await expectRefused(fromLines([...lines.slice(0, -2), lines.at(-1)!]), subject, 'count', lines.length - 1);
      const { events, trailer } = parts(subject);
      await expectRefused(
        rechained(trailer.scope, events.slice(0, -1), trailer),
        subject,
        'signature',
        lines.length - 1,
      );
    });

    it('refuses a genuine export of another conversation or portal in its place', async () => {
      const subject = subjectNamed(name);
      for (const other of [otherConversation, otherPortal]) {
        const { trailer } = parseExport(other.ndjson);
        if (trailer.scope === parseExport(subject.ndjson).trailer.scope) continue;
        await expectRefused(other.ndjson, subject, 'scope', trailer.count + 1);
      }
    });

    // An insider holding the private key can sign anything; the store still tells every change,
    // through the CLI and GraphQL alike (offline, the file and the key cannot).
    it.each([...Object.keys(FIELD_CHANGES), ...Object.keys(STRUCTURAL)])(
      're-signed with the service key, the store refuses %s',
      async (change) => {
        const subject = subjectNamed(name);
        const middle = middleOf(subject);
        const { events, trailer } = parts(subject);
        const field = FIELD_CHANGES[change];
        const edited = field ? editEvent(field.edit)(events, middle) : STRUCTURAL[change].events(events, middle);
        const { offline, store, graphql } = await verdicts(
          rechained(trailer.scope, edited, trailer, serviceKey),
          subject,
        );
        expect(offline).toEqual({ ok: true });
        const expected = field
          ? {
              ok: false,
              kind: 'field',
              line: middle + 1,
              problem: expect.stringContaining(`: ${field.field} differs from the store`),
            }
          : { ok: false, kind: STRUCTURAL[change].kind, line: STRUCTURAL[change].line(middle) };
        expect(store).toMatchObject(expected);
        expect(graphql).toEqual(store);
      },
    );
  });

  it('refuses malformed lines and over-long input with a clear verdict or error', async () => {
    const subject = subjectNamed('conversation');
    const lines = lineArray(subject.ndjson);
    await expectRefused(fromLines([lines[0], '{"stream": "broken"', ...lines.slice(1)]), subject, 'malformed', 2);
    await expectRefused(fromLines([lines[0], '[1, 2, 3]', ...lines.slice(1)]), subject, 'malformed', 2);
    const oversized = await world.graphql(VERIFY, { n: `${lines[0]}\n${'x'.repeat(1024 * 1024 + 1)}` }, auditor);
    expect(oversized.data?.verifyConversationExport ?? null).toBeNull();
    expect(oversized.status === 413 || oversized.errors !== undefined).toBe(true);
  });
});
