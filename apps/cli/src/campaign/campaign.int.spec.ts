import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCampaignWorld } from '@helpdesk/commands/campaign/campaign.test-world.js';
import { runCampaign } from '@helpdesk/commands/campaign/run-campaign.js';
import { conversationCommand, onConversation } from '@helpdesk/commands/conversation/conversation-commands.js';
import { campaignStreamName } from '@helpdesk/domain';
import { openSqliteEventStore } from '@helpdesk/event-store';
import { campaignsProjection } from '@helpdesk/projections/campaigns/index.js';
import { ProjectionRunner } from '@helpdesk/projections/core/projection-runner.js';
import { ReadStore } from '@helpdesk/read-store';
import { runHelpdesk } from '../cli.test-world.js';

const now = new Date('2025-03-10T09:00:00.000Z');

describe('helpdesk campaign progress', () => {
  let dataDir: string;
  let portalId: string;
  let campaignId: string;

  /** A finished campaign of 3 contacts and an unknown one, its read model as the API keeps it; with `answered`, Meta took every message. */
  async function campaignIn(answered: boolean) {
    const store = openSqliteEventStore({ dataDir });
    const world = await openCampaignWorld(store);
    portalId = world.portalId;
    ({ campaignId } = await world.start([...(await world.addContacts(3)), 'unknown']));
    const stream = campaignStreamName(portalId, campaignId);
    await runCampaign(store, world.sender, stream, { concurrency: 1, isStopping: () => false });
    if (answered) {
      const whatsapp = { portalId, actor: { kind: 'whatsapp' as const, id: 'meta' } };
      for (const event of await world.campaignEvents(campaignId)) {
        if (event.type !== 'CampaignRecipientAccepted') continue;
        const { conversationId, messageId } = event.data as { conversationId: string; messageId: string };
        for (const command of [
          conversationCommand('RecordOutboundSendAttempt', { messageId, attempt: 1 }, whatsapp, now),
          conversationCommand('RecordOutboundWamid', { messageId, wamid: `wamid.${messageId}` }, whatsapp, now),
        ])
          await onConversation(store, conversationId, command, whatsapp);
      }
    }
    const readStore = ReadStore.open({ dialect: 'sqlite', file: join(dataDir, 'read-models.sqlite') });
    const projection = new ProjectionRunner(store, readStore.db, campaignsProjection);
    await projection.start();
    await projection.whenCaughtUp();
    await projection.stop();
    await readStore.close();
    await store.close();
  }

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cli-campaign-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints the progress bar and the counts', async () => {
    await campaignIn(false);

    const run = await runHelpdesk(dataDir, 'campaign', 'progress', campaignId, '--portal', portalId);

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^helpdesk campaign: event store /);
    expect(run.stdout).toContain(`spring_sale COMPLETED [${'#'.repeat(30)}] 100.0%  4/4`);
    expect(run.stdout).toContain('accepted 3  refused 1  sent 0  failed 0');
  });

  it('--follow ends once the campaign is finished and Meta answered for every message', async () => {
    await campaignIn(true);

    const run = await runHelpdesk(dataDir, 'campaign', 'progress', campaignId, '--portal', portalId, '--follow');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('accepted 3  refused 1  sent 3  failed 0');
  });

  it("answers another portal's campaign as an unknown one, exit 1", async () => {
    await campaignIn(false);

    const run = await runHelpdesk(dataDir, 'campaign', 'progress', campaignId, '--portal', 'another-portal');

    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain(`No campaign ${campaignId}`);
  });
});
