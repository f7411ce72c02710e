import {
  type EventStore,
  type Position,
  type SubscribeToAllOptions,
  StreamCheckpoint,
  comparePositions,
} from '@helpdesk/event-store';
import { SingleStreamName, type StartedCampaign } from '@helpdesk/domain';
import { storesUnderTest } from '../../../../test/contract/stores-under-test.js';
import { type CampaignWorld, openCampaignWorld } from '@helpdesk/commands/campaign/campaign.test-world.js';
import { runnerOf } from './campaign-runner.test-world.js';

const SLOW = 120_000;

/** The campaign as a runner left it: each recipient's outcome. */
function started(state: Awaited<ReturnType<CampaignWorld['campaign']>>): StartedCampaign {
  if (state.status === 'NoCampaign') throw new Error('no campaign');
  return state;
}

async function runToTheEnd(world: CampaignWorld, after: Position | undefined, concurrency = 4) {
  const runner = runnerOf(world, { concurrency });
  runner.start();
  await runner.whenIdle(after);
  await runner.stop();
}

/** Every accepted recipient's conversation holds exactly one template message. */
async function expectOneMessageEach(world: CampaignWorld, campaign: StartedCampaign) {
  for (const [contactId, outcome] of campaign.outcomes) {
    if (outcome.kind !== 'accepted') continue;
    const events = await world.campaignEvents(campaign.campaignId);
    const accepted = events.find(
      (event) =>
        event.type === 'CampaignRecipientAccepted' && (event.data as { contactId: string }).contactId === contactId,
    );
    const { conversationId } = accepted!.data as { conversationId: string };
    expect({ contactId, templates: await world.templatesIn(conversationId) }).toEqual({ contactId, templates: 1 });
  }
}

/** Where the runners' checkpoint says a boot resumes; null before any was written. */
function runnersCheckpoint(store: EventStore): Promise<Position | null> {
  return new StreamCheckpoint(store, SingleStreamName.campaignRunnerCheckpoint, 'CampaignRunnerCheckpointed').read();
}

/** The store, noting where each subscription to started campaigns starts (others subscribe too: the routing cache). */
function noting(store: EventStore, starts: SubscribeToAllOptions['fromPosition'][]): EventStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'subscribeToAll')
        return (options: SubscribeToAllOptions) => {
          const filter = options.filter;
          if (filter && 'regex' in filter && filter.regex.includes('CampaignStarted'))
            starts.push(options.fromPosition);
          return target.subscribeToAll(options);
        };
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe.each(storesUnderTest())('Campaign runner on $name', (sut) => {
  let store: EventStore;
  let dispose: () => Promise<void>;
  const extra: (() => Promise<void>)[] = [];

  beforeAll(() => sut.setUp(), SLOW);
  afterAll(() => sut.tearDown(), SLOW);
  beforeEach(async () => {
    ({ store, dispose } = await sut.open());
  });
  afterEach(async () => {
    for (const close of extra.splice(0)) await close();
    await dispose();
  });

  it(
    'writes once to each recipient, records each refusal with its code, and completes',
    async () => {
      const world = await openCampaignWorld(store);
      const contacts = await world.addContacts(4);
      await world.addContactWithoutNumber('no-number');
      // c-3 already wrote: the template goes into its open thread.
      const openThread = await world.receiveFrom('+33610000003');
      const { campaignId, position } = await world.start([...contacts, 'no-number', 'unknown']);

      await runToTheEnd(world, position);

      const campaign = started(await world.campaign(campaignId));
      expect(campaign.status).toBe('Completed');
      expect({ accepted: campaign.accepted, refused: campaign.refused }).toEqual({ accepted: 4, refused: 2 });
      expect(campaign.outcomes.get('no-number')).toEqual({ kind: 'refused', code: 'CONTACT_HAS_NO_PHONE_NUMBER' });
      expect(campaign.outcomes.get('unknown')).toEqual({ kind: 'refused', code: 'CONTACT_NOT_FOUND' });
      expect(await world.templatesIn(openThread)).toBe(1);
      await expectOneMessageEach(world, campaign);
      // Three new business-initiated conversations; the open thread's template counts with its session.
      expect(await world.conversationsCounted()).toBe(3);
    },
    SLOW,
  );

  it(
    'with two runners at once (two API instances), still writes once to each recipient',
    async () => {
      const world = await openCampaignWorld(store);
      const contacts = await world.addContacts(20);
      const { campaignId, position } = await world.start(contacts);
      // On EventStoreDB the second runner has a connection of its own; the embedded store has one file, one handle.
      const other = sut.adapter === 'eventstoredb' ? await sut.open() : { store, dispose: async () => {} };
      extra.push(other.dispose);
      const runners = [runnerOf(world, { concurrency: 3 }), runnerOf(world, { concurrency: 3 }, other.store)];

      runners.forEach((runner) => runner.start());
      await Promise.all(runners.map((runner) => runner.whenIdle(position)));
      await Promise.all(runners.map((runner) => runner.stop()));

      const campaign = started(await world.campaign(campaignId));
      expect(campaign).toMatchObject({ status: 'Completed', accepted: 20, refused: 0 });
      const outcomes = (await world.campaignEvents(campaignId)).filter((e) => e.type === 'CampaignRecipientAccepted');
      expect(outcomes).toHaveLength(20);
      await expectOneMessageEach(world, campaign);
      expect(await world.conversationsCounted()).toBe(20);
    },
    SLOW,
  );

  it(
    'after a crash between the message and its outcome, resumes without writing to anyone twice',
    async () => {
      const world = await openCampaignWorld(store);
      const contacts = await world.addContacts(6);
      const { campaignId, position } = await world.start(contacts);
      // The crash window: the messages of the first three are recorded, their outcomes are not.
      const before = started(await world.campaign(campaignId));
      for (const recipient of before.recipients.slice(0, 3)) await world.sender.send(before, recipient);

      await runToTheEnd(world, position);

      const campaign = started(await world.campaign(campaignId));
      expect(campaign).toMatchObject({ status: 'Completed', accepted: 6, refused: 0 });
      await expectOneMessageEach(world, campaign);
      expect(await world.conversationsCounted()).toBe(6);
    },
    SLOW,
  );

  it(
    'a runner stopped mid-campaign leaves the rest to the next one, which writes to each recipient once',
    async () => {
      const world = await openCampaignWorld(store);
      const contacts = await world.addContacts(12);
      const { campaignId, position } = await world.start(contacts);
      const first = runnerOf(world, { concurrency: 2 });
      first.start();
      // Stopped as soon as its first outcome is recorded, wherever the others are.
      for await (const message of store.subscribeToAll({ fromPosition: position })) {
        if (message.kind === 'event' && message.event.type.startsWith('CampaignRecipient')) break;
      }
      await first.stop();
      const halfway = started(await world.campaign(campaignId));
      expect(halfway.outcomes.size).toBeGreaterThan(0);
      // The campaign still runs: the next boot must read its start again.
      const resumeAt = await runnersCheckpoint(store);
      expect(resumeAt === null || comparePositions(resumeAt, position!) < 0).toBe(true);

      await runToTheEnd(world, position, 2);

      const campaign = started(await world.campaign(campaignId));
      expect(campaign).toMatchObject({ status: 'Completed', accepted: 12 });
      await expectOneMessageEach(world, campaign);
      expect(await world.conversationsCounted()).toBe(12);
    },
    SLOW,
  );

  it(
    'stops cleanly when the monthly quota runs out: refused with its code, the rest left unsent',
    async () => {
      const world = await openCampaignWorld(store, { monthlyConversationLimit: 3 });
      const contacts = await world.addContacts(6);
      const { campaignId, position } = await world.start(contacts);

      await runToTheEnd(world, position, 1);

      const campaign = started(await world.campaign(campaignId));
      expect(campaign).toMatchObject({ status: 'Stopped', stopReason: 'QUOTA_EXHAUSTED', accepted: 3, refused: 1 });
      expect(campaign.outcomes.get('c-3')).toEqual({ kind: 'refused', code: 'MONTHLY_LIMIT_REACHED' });
      expect(campaign.outcomes.has('c-4')).toBe(false);
      expect(await world.conversationsCounted()).toBe(3);
    },
    SLOW,
  );

  it(
    'sends nothing once cancelled',
    async () => {
      const world = await openCampaignWorld(store);
      const contacts = await world.addContacts(5);
      const { campaignId, position } = await world.start(contacts);
      await world.cancel(campaignId);

      await runToTheEnd(world, position);

      const campaign = started(await world.campaign(campaignId));
      expect(campaign).toMatchObject({ status: 'Cancelled', accepted: 0, refused: 0 });
      expect(await world.conversationsCounted()).toBe(0);
    },
    SLOW,
  );

  it(
    'refuses every recipient of a template that is not approved, and completes',
    async () => {
      const world = await openCampaignWorld(store, { approved: false });
      const contacts = await world.addContacts(3);
      const { campaignId, position } = await world.start(contacts);

      await runToTheEnd(world, position);

      const campaign = started(await world.campaign(campaignId));
      expect(campaign).toMatchObject({ status: 'Completed', accepted: 0, refused: 3 });
      expect([...campaign.outcomes.values()]).toEqual(
        Array.from({ length: 3 }, () => ({ kind: 'refused', code: 'TEMPLATE_NOT_APPROVED' })),
      );
    },
    SLOW,
  );

  it(
    'boots from its checkpoint, past the campaigns it saw finish, and still serves one started later',
    async () => {
      const world = await openCampaignWorld(store);
      const earlier = await world.start(await world.addContacts(2));
      await runToTheEnd(world, earlier.position);
      const resumeAt = await runnersCheckpoint(store);
      expect(resumeAt).not.toBeNull();
      expect(comparePositions(resumeAt!, earlier.position!)).toBeGreaterThanOrEqual(0);

      const starts: SubscribeToAllOptions['fromPosition'][] = [];
      const later = await world.start(['c-0', 'c-1'], 'campaign-later');
      const runner = runnerOf(world, {}, noting(store, starts));
      runner.start();
      await runner.whenIdle(later.position);
      await runner.stop();

      expect(starts).toEqual([resumeAt]);
      expect(started(await world.campaign(later.campaignId))).toMatchObject({ status: 'Completed', accepted: 2 });
      expect(started(await world.campaign(earlier.campaignId)).accepted).toBe(2);
    },
    SLOW,
  );

  it(
    'stops when told to at once, before its first read of the log',
    async () => {
      const world = await openCampaignWorld(store);
      // On EventStoreDB the tests share one server's log: an earlier test's runner wrote one.
      const before = await runnersCheckpoint(store);
      const runner = runnerOf(world);
      runner.start();
      await runner.stop();
      // It scanned nothing: nothing to write.
      expect(await runnersCheckpoint(store)).toEqual(before);
    },
    SLOW,
  );
});
