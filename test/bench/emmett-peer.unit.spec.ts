import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMMETT_SQLITE_MODULE, PEER_NOT_INSTALLED, loadEmmett } from './emmett-peer.js';
import { benchmarkPeers } from './peers.bench.js';

/** A package name that no registry has: how the peer looks on a user's install, where it is not there. */
const ABSENT = '@helpdesk-bench-absent/emmett-sqlite';

describe('The Emmett peer of the benchmark', () => {
  it('is imported from its package by default', () => {
    expect(EMMETT_SQLITE_MODULE).toBe('@event-driven-io/emmett-sqlite');
  });

  it('loads as null when its package is not installed', async () => {
    await expect(loadEmmett(ABSENT)).resolves.toBeNull();
  });

  it('throws when it is there but fails to load, rather than skipping a broken install', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emmett-peer-'));
    try {
      const broken = join(dir, 'broken.mjs');
      writeFileSync(broken, "throw new Error('the native binding was not built');\n");
      await expect(loadEmmett(broken)).rejects.toThrow('the native binding was not built');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('not installed: the peers scenario measures nothing and says how to install it', async () => {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) =>
      written.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      const result = await benchmarkPeers({ runs: 1, singleAppends: 1, events: 1 }, ABSENT);
      expect(result.id).toBe('peers');
      expect(result.metrics).toEqual({});
      expect(result.markdown).toContain(PEER_NOT_INSTALLED);
      expect(result.markdown).toContain('npm run bench:peers-install');
      expect(written.join('')).toContain('peers: skipped: run `npm run bench:peers-install`');
    } finally {
      process.stderr.write = write;
    }
  });
});
