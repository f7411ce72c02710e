import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printServiceSchema } from './print-schema.js';

/** `npm run schema:write`: refresh the committed SDL after changing resolvers or models. */
async function main(): Promise<void> {
  const target = resolve(process.argv[2] ?? 'schemas/schema.graphql');
  writeFileSync(target, await printServiceSchema());
  process.stdout.write(`wrote ${target}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
