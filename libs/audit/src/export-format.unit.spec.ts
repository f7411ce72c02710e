import { generateKeyPairSync } from 'node:crypto';
import type { RecordedEvent } from '@helpdesk/event-store';
import { canonicalJson } from './canonical-json.js';
import { EXPORT_FORMAT, ExportChain, GENESIS_HASH, hashOf, signedBytesOf, toExportedEvent } from './export-format.js';
import { exportSigner, exportVerifyKey, verifyKeyOfSigner } from './export-keys.js';
import { linesOfText } from './export-lines.js';
import { type StoreReference, verifyExport } from './verify-export.js';

const event = (revision: bigint, data: object): RecordedEvent => ({
  id: `id-${revision}`,
  type: 'Something',
  data,
  metadata: { tenantId: 'acme' },
  streamName: 's-1',
  revision,
  position: { commit: revision * 10n, prepare: revision * 10n },
  created: new Date('2025-03-10T09:00:00.000Z'),
});

const pem = (): string => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const signer = exportSigner(pem());
const keys = [verifyKeyOfSigner(signer)];

function exportText(): string {
  const chain = new ExportChain('test', signer);
  return chain.line(event(0n, { a: 1 })) + chain.line(event(1n, { b: [1, 'x'] })) + chain.trailer();
}

const offline = (text: string) => verifyExport(linesOfText(text), { keys });

describe('export hash chain and signed trailer', () => {
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":1,"f":2}]},"b":1}',
    );
  });

  it('chains each line to the previous hash and ends with a trailer signed over count, first, last and head hash', async () => {
    const lines = exportText()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, any>);
    expect(lines[0]).toMatchObject({
      stream: 's-1',
      revision: '0',
      position: { commit: '0', prepare: '0' },
      prevHash: GENESIS_HASH,
    });
    expect(lines[0].hash).toBe(hashOf(GENESIS_HASH, toExportedEvent(event(0n, { a: 1 }))));
    expect(lines[1].prevHash).toBe(lines[0].hash);
    const { signature, ...signed } = lines[2];
    expect(signed).toEqual({
      format: EXPORT_FORMAT,
      scope: 'test',
      count: 2,
      first: { stream: 's-1', revision: '0', position: { commit: '0', prepare: '0' } },
      last: { stream: 's-1', revision: '1', position: { commit: '10', prepare: '10' } },
      headHash: lines[1].hash,
      alg: 'Ed25519',
      keyId: signer.keyId,
    });
    expect(keys[0].verify(signedBytesOf(lines[2] as never), signature)).toBe(true);
    expect(await offline(exportText())).toEqual({
      ok: true,
      scope: 'test',
      count: 2,
      headHash: lines[1].hash,
      keyId: signer.keyId,
      comparedWithStore: false,
    });
  });

  it('verifies with the public key alone, and only with the signing key', async () => {
    const publicOnly = exportVerifyKey(signer.publicKeyPem);
    expect(publicOnly.keyId).toBe(signer.keyId);
    expect(await verifyExport(linesOfText(exportText()), { keys: [publicOnly] })).toMatchObject({ ok: true });
    const other = verifyKeyOfSigner(exportSigner(pem()));
    expect(await verifyExport(linesOfText(exportText()), { keys: [other] })).toMatchObject({
      ok: false,
      kind: 'unknown-key',
      line: 3,
    });
    expect(() =>
      exportVerifyKey(
        generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      ),
    ).toThrow(/Ed25519/);
  });

  it('names the first line that does not hold and what is wrong', async () => {
    const lines = exportText().split('\n');
    expect(await offline([lines[0], lines[1].replace('"x"', '"y"'), lines[2], ''].join('\n'))).toMatchObject({
      ok: false,
      kind: 'chain',
      line: 2,
    });
    expect(await offline([lines[1], lines[0], lines[2], ''].join('\n'))).toMatchObject({
      ok: false,
      kind: 'chain',
      line: 1,
    });
    expect(await offline([lines[0], lines[1], ''].join('\n'))).toMatchObject({ ok: false, kind: 'truncated', line: 3 });
    expect(await offline([lines[0], lines[2], ''].join('\n'))).toMatchObject({ ok: false, kind: 'count', line: 2 });
    expect(await offline(['{oops', ''].join('\n'))).toMatchObject({
      ok: false,
      kind: 'malformed',
      line: 1,
      problem: 'not valid JSON',
    });
    expect(await offline([lines[0], lines[1], lines[2], lines[0], ''].join('\n'))).toMatchObject({
      ok: false,
      kind: 'malformed',
      line: 4,
    });
    const v1 = JSON.stringify({ summary: true, scope: 'test', count: 2, lastHash: JSON.parse(lines[1]).hash });
    expect(await offline([lines[0], lines[1], v1, ''].join('\n'))).toMatchObject({
      ok: false,
      kind: 'unsigned',
      line: 3,
    });
  });

  it('refuses too long and too deeply nested lines with a clear verdict', async () => {
    expect(await verifyExport(linesOfText(`${'x'.repeat(2000)}\n`, 1000), { keys })).toMatchObject({
      ok: false,
      kind: 'malformed',
      line: 1,
      problem: 'line longer than 1000 bytes',
    });
    const first = JSON.parse(exportText().split('\n')[0]) as Record<string, unknown>;
    const deep = JSON.stringify({ ...first, data: 'DEEP' }).replace(
      '"DEEP"',
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    );
    expect(await offline(`${deep}\n`)).toMatchObject({
      ok: false,
      kind: 'malformed',
      line: 1,
      problem: expect.stringMatching(/nested deeper/),
    });
  });

  it('compares with a reference: the store having more or fewer events than the file, a file changed between readings', async () => {
    const storeOf =
      (...events: RecordedEvent[]): StoreReference =>
      async () =>
        (async function* () {
          for (const stored of events) yield toExportedEvent(stored);
        })();
    const text = exportText();
    const withStore = (reference: StoreReference, source = linesOfText(text)) =>
      verifyExport(source, { keys, reference });
    expect(await withStore(storeOf(event(0n, { a: 1 }), event(1n, { b: [1, 'x'] })))).toMatchObject({
      ok: true,
      comparedWithStore: true,
    });
    expect(await withStore(storeOf(event(0n, { a: 1 })))).toMatchObject({ ok: false, kind: 'extra', line: 2 });
    expect(await withStore(storeOf(event(0n, { a: 1 }), event(1n, { b: [1, 'x'] }), event(2n, {})))).toMatchObject({
      ok: false,
      kind: 'missing',
      line: 3,
    });
    expect(await withStore(async () => ({ absent: 'conversation x is not in the store' }))).toMatchObject({
      ok: false,
      kind: 'not-in-store',
      line: 1,
    });

    // The first reading is the signed file; the second, another one.
    let readings = 0;
    const other = exportText().replace('"x"', '"y"');
    const changing = () => (readings++ === 0 ? linesOfText(text) : linesOfText(other))();
    expect(await withStore(storeOf(event(0n, { a: 1 }), event(1n, { b: [1, 'x'] })), changing)).toMatchObject({
      ok: false,
      kind: 'chain',
      line: 2,
      problem: 'the file changed while it was being verified',
    });
  });

  it('quotes at most 80 characters of what the file says', async () => {
    const lines = exportText().split('\n');
    const trailer = JSON.parse(lines[2]) as Record<string, unknown>;
    const refused = await offline(
      [lines[0], lines[1], JSON.stringify({ ...trailer, keyId: 'k'.repeat(10_000) }), ''].join('\n'),
    );
    expect(refused).toMatchObject({ ok: false, kind: 'unknown-key', line: 3 });
    expect(refused.ok === false && refused.problem.length).toBeLessThan(300);
  });
});
