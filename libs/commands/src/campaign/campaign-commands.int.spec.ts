import { DomainError, campaignStreamName } from '@helpdesk/domain';
import type { EventStore } from '@helpdesk/event-store';
import { storesUnderTest } from '../../../../test/contract/stores-under-test.js';
import { openCampaignWorld } from './campaign.test-world.js';
import { runCampaign } from './run-campaign.js';

const SLOW = 60_000;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error.code;
}

describe.each(storesUnderTest())('Starting and cancelling campaigns on $name', (sut) => {
  let store: EventStore;
  let dispose: () => Promise<void>;

  beforeAll(() => sut.setUp(), SLOW);
  afterAll(() => sut.tearDown(), SLOW);
  beforeEach(async () => {
    ({ store, dispose } = await sut.open());
  });
  afterEach(() => dispose());

  it(
    'a retried start names the same campaign and records nothing; another request under the key is refused',
    async () => {
      const world = await openCampaignWorld(store);
      const first = await world.start(['c-1', 'c-2'], 'key-1');
      const again = await world.start(['c-1', 'c-2'], 'key-1');

      expect(again).toEqual({ campaignId: first.campaignId });
      expect((await world.campaignEvents(first.campaignId)).map((event) => event.type)).toEqual(['CampaignStarted']);
      expect(await codeOf(world.start(['c-3'], 'key-1'))).toBe('IDEMPOTENCY_KEY_REUSED');
    },
    SLOW,
  );

  it(
    "refuses another portal's From number and campaign exactly like unknown ones, recording nothing",
    async () => {
      const acme = await openCampaignWorld(store);
      const globex = await openCampaignWorld(store);
      const { campaignId } = await acme.start(['c-1']);

      expect(await codeOf(globex.cancel(campaignId))).toBe('CAMPAIGN_NOT_FOUND');
      expect(await codeOf(globex.cancel('no-such-campaign'))).toBe('CAMPAIGN_NOT_FOUND');
      expect(await codeOf(globex.startFrom(acme.phoneNumberId, ['c-1'], 'key-2'))).toBe('CHANNEL_NOT_CONNECTED');
      expect(await globex.campaignEvents(campaignId)).toEqual([]);
      expect((await acme.campaignEvents(campaignId)).map((event) => event.type)).toEqual(['CampaignStarted']);
    },
    SLOW,
  );

  it(
    'cancels a running campaign once; a finished one cannot be cancelled',
    async () => {
      const world = await openCampaignWorld(store);
      const { campaignId } = await world.start(['c-1']);

      expect(await world.cancel(campaignId)).toEqual({ position: expect.anything() });
      expect(await world.cancel(campaignId)).toEqual({});
      expect((await world.campaign(campaignId)).status).toBe('Cancelled');

      const other = await world.start(['unknown'], 'key-2');
      // Its one recipient is unknown: refused, and the campaign completes.
      const stream = campaignStreamName(world.portalId, other.campaignId);
      await runCampaign(store, world.sender, stream, { concurrency: 1, isStopping: () => false });
      expect((await world.campaign(other.campaignId)).status).toBe('Completed');
      expect(await codeOf(world.cancel(other.campaignId))).toBe('CAMPAIGN_FINISHED');
    },
    SLOW,
  );
});
