import type { RecordedEvent } from '@helpdesk/event-store';
import { ExportChain, GENESIS_HASH, canonicalJson, checkChain, hashOf, toExportedEvent } from './export-chain.js';

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

function exportText(): string {
  const chain = new ExportChain('test');
  return chain.line(event(0n, { a: 1 })) + chain.line(event(1n, { b: [1, 'x'] })) + chain.summary();
}

describe('export hash chain', () => {
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":1,"f":2}]},"b":1}');
  });

  it('chains each line to the previous hash and ends with a summary', () => {
    const lines = exportText().trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(lines[0]).toMatchObject({ stream: 's-1', revision: '0', position: { commit: '0', prepare: '0' }, prevHash: GENESIS_HASH });
    expect(lines[0].hash).toBe(hashOf(GENESIS_HASH, toExportedEvent(event(0n, { a: 1 }))));
    expect(lines[1].prevHash).toBe(lines[0].hash);
    expect(lines[2]).toEqual({ summary: true, scope: 'test', count: 2, lastHash: lines[1].hash });
    expect(checkChain(exportText())).toMatchObject({ ok: true, lineNumbers: [1, 2] });
  });

  it('names the first line that does not hold', () => {
    const lines = exportText().split('\n');
    expect(checkChain([lines[0], lines[1].replace('"x"', '"y"'), lines[2], ''].join('\n'))).toMatchObject({ ok: false, line: 2 });
    expect(checkChain([lines[1], lines[0], lines[2], ''].join('\n'))).toMatchObject({ ok: false, line: 1 });
    expect(checkChain([lines[0], lines[1], ''].join('\n'))).toMatchObject({ ok: false, line: 3, problem: expect.stringMatching(/summary/) });
    expect(checkChain([lines[0], lines[2], ''].join('\n'))).toMatchObject({ ok: false, line: 2, problem: expect.stringMatching(/count/) });
    expect(checkChain(['{oops', ''].join('\n'))).toMatchObject({ ok: false, line: 1, problem: 'not valid JSON' });
  });
});
