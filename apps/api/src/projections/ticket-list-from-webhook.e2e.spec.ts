import { ReadStore } from '@helpdesk/read-store';
import { listTickets } from '@helpdesk/projections/ticket-list/index.js';
import { pywaPayload } from '../webhooks/pywa.fixtures.js';
import { RECEIVED_AT, WebhookWorld, openWebhookWorld, portalId } from '../webhooks/webhook.test-world.js';
import { ProjectionsService } from './projections.service.js';

/** The whole path an agent depends on: Meta's webhook in, the ticket in the list the API reads. */
describe('ticket list inside the running API', () => {
  let world: WebhookWorld;

  beforeEach(async () => {
    world = await openWebhookWorld();
    await world.connectChannel();
    world.clock.set(RECEIVED_AT);
  });

  afterEach(() => world.close());

  it('shows an inbound WhatsApp message as an open ticket with its preview', async () => {
    expect((await world.post(JSON.stringify(pywaPayload('message.json', 'text')))).status).toBe(200);
    await world.processed();
    const [last] = (await world.conversation()).slice(-1);
    const projections = world.app.get(ProjectionsService);
    await projections.whenCaughtUp(last.position);

    const page = await listTickets(world.app.get(ReadStore).db, { portalId, status: ['open'] });
    expect(page.tickets).toHaveLength(1);
    expect(page.tickets[0]).toMatchObject({ contactPhone: '+972987654321', preview: 'Body Text', unreadCount: 1 });
    const statuses = projections.statuses();
    expect(statuses.map((status) => status.name)).toEqual([
      'ticket_list',
      'thread',
      'quota',
      'directory',
      'views',
      'search',
      'campaigns',
      'session_expiry',
    ]);
    for (const status of statuses) expect(status).toMatchObject({ state: 'live', lastError: null });
  });
});
