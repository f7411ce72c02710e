import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The version in the package.json of the package whose `bin` runs `script` (dist/apps/cli/src/main.js,
 * or the sources in a test): the nearest package.json above it that names `helpdesk` as a bin.
 * Found from the script's path, so it works however it was started (npx's symlink, node, npm run).
 */
export function packageVersion(script: string | undefined): string {
  if (!script) return 'unknown';
  let directory = dirname(realpathSync(script));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
        version?: string;
        bin?: Record<string, string>;
      };
      if (manifest.bin?.helpdesk && manifest.version) return manifest.version;
    } catch {
      // No package.json here (or not ours): look further up.
    }
    const parent = dirname(directory);
    if (parent === directory) return 'unknown';
    directory = parent;
  }
}
