import { DEFAULT_SEARCH_BOUNDS, SearchGate } from '@helpdesk/projections/search/index.js';
import { acme, contactPhone, globex } from '../conversation/tickets.test-world.js';
import { SearchLimits } from './search-limits.js';
import { VIEW_TICKETS, type TicketsShown, type ViewsWorld, openViewsWorld, refusal } from './views.test-world.js';

const otherPhone = '+4915112345678';
const PHRASE = 'voucher warranty refund cancel';

/**
 * `tickets(search:)` when a term's trigrams are all common (here: in one row or more), so the
 * search scans: refused as SEARCH_TOO_BROAD past its budget, as SEARCH_BUSY past the gate, shaped
 * as BAD_USER_INPUT is (naming `search`), and nothing else affected.
 */
describe('ticket search bounds over GraphQL', () => {
  let world: ViewsWorld;
  let limits: SearchLimits;
  let configured: SearchLimits['bounds'];
  let anna: string;
  let globexAgent: string;
  let position: string;

  beforeAll(async () => {
    world = await openViewsWorld();
    limits = world.app.get(SearchLimits, { strict: false });
    configured = limits.bounds;
    anna = await world.tokenFor(acme, 'anna', 'agent');
    globexAgent = await world.tokenFor(globex, 'anna', 'agent');
    await world.receiveFrom(contactPhone, 'wamid.1', `Hello, ${PHRASE} please`);
    await world.receiveFrom(otherPhone, 'wamid.2', 'my voucher warranty then refund cancel');
    ({ position } = await world.receiveFrom(otherPhone, 'wamid.3', 'a warranty refund or a voucher'));
  });
  afterEach(() => (limits.bounds = configured));
  afterAll(() => world.close());

  const search = (term: string, token?: string) => world.graphql(VIEW_TICKETS, { search: term, at: position }, token);
  const phones = (answer: Awaited<ReturnType<typeof search>>) => {
    if (answer.errors) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
    return (Object.values(answer.data ?? {})[0] as TicketsShown).nodes.map((node) => node.contactPhone);
  };
  /** Every present trigram common: every search of a term that is there scans. */
  const scanning = {
    ...DEFAULT_SEARCH_BOUNDS,
    candidateTrigramDocs: 0,
    maxCandidates: 0,
    trigramProbes: 1,
    sliceRows: 1,
  };

  it('finds by a scan exactly what the index finds', async () => {
    const indexed = phones(await search(PHRASE, anna));
    const refunds = phones(await search('refund', anna));
    expect(indexed).toEqual([contactPhone]);
    expect(refunds).toHaveLength(2);
    limits.bounds = { ...scanning, gate: new SearchGate(1, 0) };
    expect(phones(await search(PHRASE, anna))).toEqual(indexed);
    expect(phones(await search('refund', anna))).toEqual(refunds);
    expect(phones(await search(PHRASE, globexAgent))).toEqual([]);
  });

  it('refuses a search past its budget as SEARCH_TOO_BROAD on search, alike for every portal', async () => {
    limits.bounds = { ...scanning, maxScanRows: 1, gate: new SearchGate(1, 0) };
    const refused = await search(PHRASE, anna);
    expect(refusal(refused)).toEqual({ code: 'SEARCH_TOO_BROAD', fields: ['search'] });
    expect(refused.errors?.[0].message).toMatch(/search for a longer or more specific term/);
    expect(refused.data?.tickets ?? null).toBeNull();
    // Another portal is refused the same way for acme's phrase as for a phrase no one wrote: it learns nothing.
    const elsewhere = await search(PHRASE, globexAgent);
    const nowhere = await search('refund voucher cancel warranty', globexAgent);
    expect(refusal(elsewhere)).toEqual({ code: 'SEARCH_TOO_BROAD', fields: ['search'] });
    expect(elsewhere.errors?.[0].message).toBe(nowhere.errors?.[0].message);
    // A term with a trigram in no row needs no scan: answered.
    expect(phones(await search('zebracorn', anna))).toEqual([]);
    // Refusals of the input and of the caller come first, as before.
    expect(refusal(await search(PHRASE))).toEqual({ code: 'UNAUTHENTICATED' });
    expect(refusal(await search('x'.repeat(201), anna))).toEqual({ code: 'BAD_USER_INPUT', fields: ['search'] });
  });

  it('refuses a scan past the gate as SEARCH_BUSY while one runs, and affects nothing else', async () => {
    let open!: () => void;
    const latch = new Promise<void>((resolve) => (open = resolve));
    const gate = new SearchGate(1, 0);
    limits.bounds = { ...scanning, gate, pause: () => latch };
    const running = search(PHRASE, anna);
    while (gate.load.running === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    const busy = await search(PHRASE, globexAgent);
    expect(refusal(busy)).toEqual({ code: 'SEARCH_BUSY', fields: ['search'] });
    expect(busy.errors?.[0].message).toMatch(/Too many searches at once; try again/);
    expect(refusal(await search('refund', anna))).toEqual({ code: 'SEARCH_BUSY', fields: ['search'] });
    // The ticket list, a narrow search and another portal's requests still answer.
    expect(phones(await world.graphql(VIEW_TICKETS, {}, anna))).toHaveLength(2);
    expect(phones(await search('zebracorn', globexAgent))).toEqual([]);
    expect(phones(await world.graphql(VIEW_TICKETS, {}, globexAgent))).toEqual([]);

    open();
    expect(phones(await running)).toEqual([contactPhone]);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
    expect(phones(await search(PHRASE, anna))).toEqual([contactPhone]);
  });
});
