import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

/**
 * The README promises Node 20 (the machines run it) and `package.json` says which 20. Every
 * package `npm ci` installs must accept that version, or npm warns EBADENGINE on every install and
 * the package may use what Node 20 lacks. A new dependency that needs Node 22 fails here, by name.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface LockedPackage {
  readonly version?: string;
  readonly engines?: { readonly node?: string } | readonly string[];
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

describe('Node versions', () => {
  const oldest = semver.minVersion(manifest.engines.node);

  it('promises a range that starts on Node 20', () => {
    expect(oldest?.major).toBe(20);
  });

  it('installs no package that refuses the oldest Node we promise', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        // Old packages wrote engines as a list of strings; npm ignores that form.
        const range =
          entry.engines && !Array.isArray(entry.engines) ? (entry.engines as { node?: string }).node : undefined;
        return range && !semver.satisfies(oldest!, range) ? [`${path}@${entry.version}: node ${range}`] : [];
      });
    expect(refusing).toEqual([]);
  });
});
