import { conversationCommand, onConversation } from '@helpdesk/commands/conversation/conversation-commands.js';
import type { EventStore, Position } from '@helpdesk/event-store';
import type { CommandOrigin } from '@helpdesk/commands/shared/command-origin.js';
import { campaignsProjection, getCampaign } from '@helpdesk/projections/campaigns/index.js';
import { ProjectionRunner } from '@helpdesk/projections/core/projection-runner.js';
import { readStoresUnderTest } from '@helpdesk/projections/core/read-stores-under-test.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { useTemporarySqliteStore } from '../../../../test/support/temporary-sqlite-store.js';
import { now, openCampaignWorld } from '@helpdesk/commands/campaign/campaign.test-world.js';
import { runnerOf } from './campaign-runner.test-world.js';

const SLOW = 60_000;

describe.each(readStoresUnderTest())('Campaign progress read model on $name', (readStoreUnderTest) => {
  const events = useTemporarySqliteStore('campaign-progress-');

  it(
    "counts accepted, refused, and Meta's sent and failed; rebuilt from history it is the same",
    async () => {
      const store = events.current;
      const { readStore, dispose } = await readStoreUnderTest.open();
      const live = new ProjectionRunner(store, readStore.db, campaignsProjection);
      await live.start();
      try {
        const world = await openCampaignWorld(store);
        const contacts = await world.addContacts(4);
        const { campaignId, position } = await world.start([...contacts, 'unknown']);
        const runner = runnerOf(world);
        runner.start();
        await runner.whenIdle(position);
        await runner.stop();
        // Meta's answers, as the dispatcher records them: three sent, one refused.
        const whatsapp: CommandOrigin = { portalId: world.portalId, actor: { kind: 'whatsapp', id: 'meta' } };
        const accepted = (await world.campaignEvents(campaignId)).filter(
          (event) => event.type === 'CampaignRecipientAccepted',
        );
        for (const [index, event] of accepted.entries()) {
          const { conversationId, messageId } = event.data as { conversationId: string; messageId: string };
          const on = (command: Parameters<typeof onConversation>[2]) =>
            onConversation(store, conversationId, command, whatsapp);
          await on(conversationCommand('RecordOutboundSendAttempt', { messageId, attempt: 1 }, whatsapp, now));
          if (index < 3) {
            await on(conversationCommand('RecordOutboundWamid', { messageId, wamid: `wamid.${index}` }, whatsapp, now));
          } else {
            const failure = { code: 131026, title: 'Message undeliverable', message: 'x', httpStatus: 400 };
            await on(
              conversationCommand(
                'RecordOutboundSendFailure',
                { messageId, attempt: 1, failure, retryDelayMs: 0 },
                whatsapp,
                now,
              ),
            );
          }
        }
        await live.whenCaughtUp(await lastPosition(store));

        const progress = await getCampaign(readStore.db, world.portalId, campaignId);
        expect(progress).toMatchObject({
          ...{ state: 'COMPLETED', total: 5, accepted: 4, refused: 1, sent: 3, failed: 1 },
          templateName: 'spring_sale',
        });
        expect(await getCampaign(readStore.db, 'another-portal', campaignId)).toBeNull();
        expect(await rebuilt((db) => getCampaign(db, world.portalId, campaignId))).toEqual(progress);
      } finally {
        await live.stop();
        await dispose();
      }

      async function rebuilt<T>(read: (db: ReadDatabase) => Promise<T>): Promise<T> {
        const fresh = await readStoreUnderTest.open();
        const rebuilder = new ProjectionRunner(store, fresh.readStore.db, campaignsProjection);
        try {
          await rebuilder.start();
          await rebuilder.whenCaughtUp();
          return await read(fresh.readStore.db);
        } finally {
          await rebuilder.stop();
          await fresh.dispose();
        }
      }
    },
    SLOW,
  );
});

async function lastPosition(store: EventStore): Promise<Position | undefined> {
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 1 })) return event.position;
  return undefined;
}
