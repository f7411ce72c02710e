import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type AppConfig } from '@helpdesk/config';
import { MAX_PHONE_NUMBERS_PER_ACCOUNT } from '@helpdesk/domain';
import { UsageError, type CliRunner, type CliIo } from '../cli-command.js';
import { seedDemo, type SeedDemoReport } from './seed-demo.js';
import { eventStoreName } from '../app-context/existing-install.js';

export const runSeedDemo: CliRunner = (argv, io) => seedDemoCommand.run(argv, io);

const seedDemoCommand = {
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        portal: { type: 'string', default: 'demo' },
        numbers: { type: 'string', default: '3' },
        'connected-at': { type: 'string' },
        'time-zone': { type: 'string', default: 'Europe/Amsterdam' },
        'subscription-start': { type: 'string' },
        out: { type: 'string' },
      },
    });
    const numbers = Number(values.numbers);
    if (!Number.isInteger(numbers) || numbers < 1 || numbers > MAX_PHONE_NUMBERS_PER_ACCOUNT) {
      const range = `1 to ${MAX_PHONE_NUMBERS_PER_ACCOUNT}`;
      throw new UsageError(`--numbers must be a whole number from ${range} (got '${values.numbers}')`);
    }
    if (!/^[a-z0-9][a-z0-9-]*$/.test(values.portal)) {
      throw new UsageError(`--portal must be lower case letters, digits and '-' (got '${values.portal}')`);
    }
    const connectedAt = values['connected-at'] === undefined ? undefined : new Date(values['connected-at']);
    if (connectedAt && Number.isNaN(connectedAt.getTime())) {
      throw new UsageError(`--connected-at is not an ISO date-time (got '${values['connected-at']}')`);
    }
    const config = loadConfig(io.env);
    // The one command meant to create an install: it names the store it opens or creates.
    io.stderr(`helpdesk seed-demo: event store ${eventStoreName(config)}\n`);
    io.stdout(`seed-demo: portal '${values.portal}' on ${storeOf(config)}\n`);
    const report = await seedDemo(config, {
      portalId: values.portal,
      numbers,
      timeZone: values['time-zone'],
      ...(values['subscription-start'] && { subscriptionStartedOn: values['subscription-start'] }),
      ...(connectedAt && { connectedAt }),
    });
    io.stdout(formatReport(report));
    if (values.out) {
      const file = resolve(values.out);
      writeFileSync(file, `${JSON.stringify(report.targets, null, 2)}\n`);
      io.stdout(`wrote ${file}\n`);
    }
    const targets = values.out ?? 'targets.json';
    io.stdout(
      `next: npm run simulate -- --targets ${targets} --secret "$WHATSAPP_APP_SECRET" --rate 20 --duration 30\n`,
    );
    return 0;
  },
};

export function formatReport({ steps, targets }: SeedDemoReport): string {
  const width = Math.max(...steps.map((step) => step.subject.length));
  const lines = steps.map((step) => `  ${step.subject.padEnd(width)}  ${step.outcome.padEnd(9)}  ${step.detail}`);
  const changed = steps.filter((step) => step.outcome !== 'unchanged').length;
  const verdict =
    changed === 0
      ? 'nothing to do: the demo was already there'
      : `${changed} of ${steps.length} steps changed something`;
  const numbers = targets.numbers.map(
    (number) => `  phone_number_id ${number.phoneNumberId}  display ${number.displayNumber}`,
  );
  return [
    ...lines,
    verdict,
    `targets (WABA ${targets.wabaId}, connected ${targets.connectedAt}):`,
    ...numbers,
    `contacts: ${targets.contacts.map((contact) => `${contact.name} (${contact.waId})`).join(', ')}`,
    '',
  ].join('\n');
}

function storeOf(config: AppConfig): string {
  return config.eventStore.adapter === 'sqlite'
    ? `DATA_DIR ${config.eventStore.dataDir}`
    : 'EVENTSTORE_URL (EventStoreDB)';
}
