import { parseArgs } from 'node:util';
import { getCampaign } from '@helpdesk/projections/campaigns/index.js';
import { UsageError, type CliRunner, type CliIo } from '../cli-command.js';
import { withStores } from '../app-context/with-stores.js';
import { formatCampaignProgress, isSettled } from './campaign-progress.js';

export const runCampaign: CliRunner = (argv, io) => campaignProgress(argv, io);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function campaignProgress(argv: readonly string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand !== 'progress') {
    throw new UsageError(subcommand === undefined ? 'a subcommand is required' : `unknown subcommand '${subcommand}'`);
  }
  const { values, positionals } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: true,
    options: {
      portal: { type: 'string' },
      follow: { type: 'boolean', default: false },
      'interval-ms': { type: 'string', default: '1000' },
    },
  });
  const [campaignId] = positionals;
  if (!campaignId || positionals.length > 1) throw new UsageError('one campaign id is required');
  if (!values.portal) throw new UsageError('--portal is required');
  const intervalMs = Number(values['interval-ms']);
  if (!Number.isInteger(intervalMs) || intervalMs < 100)
    throw new UsageError('--interval-ms is an integer of 100 or more');
  const portalId = values.portal;
  return withStores(io, 'campaign', async (_store, db) => {
    for (;;) {
      const row = await getCampaign(db, portalId, campaignId);
      if (!row) {
        io.stderr(`No campaign ${campaignId} in portal ${portalId}\n`);
        return 1;
      }
      const line = formatCampaignProgress(row);
      const last = !values.follow || isSettled(row);
      // On a terminal the bar redraws one line; elsewhere each reading is a line of its own.
      io.stdout(io.stderrIsTty && values.follow ? `\r\x1b[2K${line}${last ? '\n' : ''}` : `${line}\n`);
      if (last) return 0;
      await sleep(intervalMs);
    }
  });
}
