import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportSigner } from '@helpdesk/audit';
import { loadConfig } from '@helpdesk/config';
import { conversationStreamName } from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';
import {
  RunConversationCommand,
  RunConversationCommandHandler,
} from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { agent, conversationOf, inboundMessage } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { AUDITED_STORE_KINDS } from '../audited-stores.test-world.js';
import { parseExport, rechained } from '../../../../libs/audit/src/forgery.test-world.js';
import { type AuditorWorld, openAuditorWorld } from '../auditor.test-world.js';
import { runHelpdeskWith } from '../cli.test-world.js';

const sentAt = '2025-03-10T09:00:00.000Z';
const conversationId = conversationOf();
const stream = conversationStreamName(conversationId);

describe.each(AUDITED_STORE_KINDS)('helpdesk export / export verify on $name', (kind) => {
  let world: AuditorWorld;
  let file: string;

  beforeEach(async () => {
    world = await openAuditorWorld(kind, '2025-03-01T08:00:00.000Z');
    file = join(world.dir, 'export.ndjson');
    world.clock.set(sentAt);
    await world.receive(inboundMessage('wamid.a', sentAt));
    await world.receive(inboundMessage('wamid.b', sentAt, '+33699999999'));
    const opened = (await world.eventsOf(stream)).find((event) => event.type === 'TicketOpened')!;
    await new RunConversationCommandHandler(world.store, world.clock).execute(
      new RunConversationCommand(agent(), conversationId, 'AssignTicket', {
        ticketId: (opened.data as { ticketId: string }).ticketId,
        assigneeId: 'agent-1',
      }),
    );
  });

  afterEach(() => world.close());

  async function allEvents(): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of world.store.readAll()) events.push(event);
    return events;
  }

  function run(...argv: string[]) {
    return world.run(...argv);
  }

  const fileLines = () =>
    readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, any>);

  it('exports one conversation, and verify passes', async () => {
    const events = (await allEvents()).filter((event) => event.streamName === stream);
    const exported = await run('export', 'conversation', conversationId, '--out', file);
    // Nothing on stderr but the store it opened.
    expect(exported).toMatchObject({
      code: 0,
      stderr: expect.stringMatching(/^helpdesk export: event store \S[^\n]*\n$/),
    });
    expect(exported.stdout).toContain(`wrote ${events.length} events`);

    const lines = fileLines();
    expect(lines).toHaveLength(events.length + 1);
    expect(lines[0]).toMatchObject({
      stream,
      revision: '0',
      id: events[0].id,
      type: 'ConversationStarted',
      created: events[0].created.toISOString(),
    });
    expect(lines[0].position).toEqual({
      commit: events[0].position.commit.toString(),
      prepare: events[0].position.prepare.toString(),
    });
    const keyId = exportSigner(loadConfig(world.env).exportSigning.privateKeyPem).keyId;
    expect(lines.at(-1)).toMatchObject({
      format: 'helpdesk-export/2',
      scope: `conversation ${conversationId}`,
      count: events.length,
      first: { stream, revision: '0', position: lines[0].position },
      last: { stream, revision: lines.at(-2)!.revision, position: lines.at(-2)!.position },
      headHash: lines.at(-2)!.hash,
      alg: 'Ed25519',
      keyId,
    });

    const verified = await run('export', 'verify', file);
    expect(verified.stderr).toMatch(/^helpdesk export: event store \S[^\n]*\n$/);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`${events.length} events, chain intact, signed by ${keyId}, all match the store`);
  });

  it('verifies offline with the public key alone, which `export public-key` prints', async () => {
    await run('export', 'conversation', conversationId, '--out', file);
    const keyFile = join(world.dir, 'public.pem');
    expect((await run('export', 'public-key', '--out', keyFile)).code).toBe(0);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    // No DATA_DIR key, no store: an auditor's machine.
    const auditor = await runHelpdeskWith(
      { DATA_DIR: join(world.dir, 'elsewhere'), EVENTSTORE_URL: 'esdb://nowhere.invalid:2113' },
      'export',
      'verify',
      file,
      '--offline',
      '--public-key',
      keyFile,
    );
    expect(auditor).toMatchObject({ code: 0, stderr: '' });
    expect(auditor.stdout).toContain('chain intact');
    expect(auditor.stdout).toContain('offline: not compared with a store');
  });

  it('trusts every --public-key given, so files signed before and after a key rotation verify', async () => {
    await run('export', 'conversation', conversationId, '--out', file);
    const currentKey = join(world.dir, 'current.pem');
    expect((await run('export', 'public-key', '--out', currentKey)).code).toBe(0);
    const retiredKey = join(world.dir, 'retired.pem');
    writeFileSync(retiredKey, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    const auditor = (...keys: string[]) =>
      runHelpdeskWith(
        { DATA_DIR: join(world.dir, 'elsewhere') },
        'export',
        'verify',
        file,
        '--offline',
        ...keys.flatMap((key) => ['--public-key', key]),
      );

    expect(await auditor(retiredKey)).toMatchObject({ code: 1, stderr: expect.stringContaining('unknown-key') });
    expect(await auditor(retiredKey, currentKey)).toMatchObject({ code: 0, stderr: '' });
  });

  it('exports every stream of a portal (tenantId) across $all, in $all order', async () => {
    const events = await allEvents();
    const streams = new Set(
      events.filter((event) => event.metadata.tenantId === 'acme').map((event) => event.streamName),
    );
    const expected = events.filter((event) => streams.has(event.streamName));
    expect(streams.size).toBeGreaterThan(3);

    expect((await run('export', 'portal', 'acme', '--out', file)).code).toBe(0);
    const lines = fileLines();
    expect(lines.slice(0, -1).map((line) => line.id)).toEqual(expected.map((event) => event.id));
    expect(new Set(lines.slice(0, -1).map((line) => line.stream))).toEqual(streams);
    expect((await run('export', 'verify', file)).code).toBe(0);

    expect((await run('export', 'portal', 'nobody', '--out', file)).code).toBe(0);
    expect(fileLines()).toEqual([
      expect.objectContaining({
        format: 'helpdesk-export/2',
        scope: 'portal nobody',
        count: 0,
        first: null,
        last: null,
        headHash: '0'.repeat(64),
      }),
    ]);
    expect((await run('export', 'verify', file)).code).toBe(0);
  });

  it('export portal --progress: the scan and the writing advance on stderr; stdout and the file stay the same', async () => {
    const plain = await run('export', 'portal', 'acme', '--out', file);
    const plainLines = fileLines().slice(0, -1);
    const shown = await run('export', 'portal', 'acme', '--out', file, '--progress');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(plain.stdout);
    expect(fileLines().slice(0, -1)).toEqual(plainLines);
    const scanned = /export portal acme: scanned ([\d,]+) events, ([\d,]+) in the portal's streams\n/.exec(
      shown.stderr,
    );
    expect(scanned).not.toBeNull();
    expect(Number(scanned![1].replace(/,/g, ''))).toBe((await allEvents()).length);
    expect(Number(scanned![2].replace(/,/g, ''))).toBe(plainLines.length);
    const written = [...shown.stderr.matchAll(/ ([\d,]+)\/([\d,]+) events written\n/g)].map((match) =>
      Number(match[1].replace(/,/g, '')),
    );
    // The first event written and the last: the count advances to the whole export.
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(written[0]).toBeLessThan(written.at(-1)!);
    expect(written.at(-1)).toBe(plainLines.length);
    expect(shown.stderr).toContain('[##############################] 100.0%');
    expect(plain.stderr).not.toContain('events written');
  });

  it('verify fails naming the line when one line of the file is edited', async () => {
    await run('export', 'conversation', conversationId, '--out', file);
    const text = readFileSync(file, 'utf8').split('\n');
    const edited = JSON.parse(text[2]) as Record<string, any>;
    edited.data = { ...edited.data, injected: true };
    text[2] = JSON.stringify(edited);
    writeFileSync(file, text.join('\n'));

    const verified = await run('export', 'verify', file);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toContain('line 3: chain: hash mismatch');
  });

  it('verify refuses a recomputed chain by its signature, and, re-signed with the key, by the store', async () => {
    await run('export', 'conversation', conversationId, '--out', file);
    const { events, trailer } = parseExport(readFileSync(file, 'utf8'));
    const forged = events.map((event, index) =>
      index === 1 ? { ...event, data: { ...(event.data as object), forged: true } } : event,
    );

    writeFileSync(file, rechained(trailer.scope, forged, trailer));
    const rechainedOnly = await run('export', 'verify', file);
    expect(rechainedOnly.code).toBe(1);
    expect(rechainedOnly.stderr).toContain(
      `line ${events.length + 1}: signature: the signature does not match key ${trailer.keyId}`,
    );

    writeFileSync(
      file,
      rechained(trailer.scope, forged, trailer, exportSigner(loadConfig(world.env).exportSigning.privateKeyPem)),
    );
    expect(await run('export', 'verify', file, '--offline')).toMatchObject({ code: 0 });
    const verified = await run('export', 'verify', file);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toMatch(/line 2: field: .*data differs from the store/);
  });

  it('refuses huge lines and malformed JSON with the line and what is wrong', async () => {
    writeFileSync(file, `{"oops"\n`);
    expect(await run('export', 'verify', file, '--offline')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('line 1: malformed: not valid JSON'),
    });
    await run('export', 'conversation', conversationId, '--out', file);
    const firstLine = readFileSync(file, 'utf8').split('\n')[0];
    writeFileSync(file, `${firstLine}\n${'x'.repeat(5 * 1024 * 1024)}`);
    expect(await run('export', 'verify', file, '--offline')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('line 2: malformed: line longer than 4194304 bytes'),
    });
    expect(await run('export', 'verify', join(world.dir, 'absent.ndjson'), '--offline')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('cannot read'),
    });
  });

  it('refuses a missing --out and an unknown conversation', async () => {
    expect((await run('export', 'conversation', conversationId)).code).toBe(2);
    const missing = await run('export', 'conversation', 'acme-1-2', '--out', file);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no conversation acme-1-2');
  });
});
