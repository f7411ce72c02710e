import 'reflect-metadata';
import { StoresUnreachableError, loadConfigOrExit, withServiceDefaults } from '@helpdesk/config';
import { waitForNetworkStores } from '@helpdesk/commands/stores/wait-for-stores.js';
import { createApp } from './create-app.js';
import { limitHeapGrowth } from './memory/heap-growth.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit(withServiceDefaults(process.env));
  limitHeapGrowth(config.heapGrowthPercent);
  // Before Nest builds anything on them: an unreachable database is one clear line, not a stack trace.
  await waitForNetworkStores(config, (line) => process.stderr.write(`${line}\n`));
  const app = await createApp(config);
  await app.listen(config.port, config.host);
}

main().catch((error) => {
  if (error instanceof StoresUnreachableError) {
    process.stderr.write(`Failed to start: ${error.message}\n`);
  } else {
    process.stderr.write(`Failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
