import 'reflect-metadata';
import { loadConfigOrExit } from '@helpdesk/config';
import { createApp } from './create-app.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const app = await createApp(config);
  await app.listen(config.port, config.host);
}

main().catch((error) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
