import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portalStreamName } from '@helpdesk/domain';
import { type RecordedEvent, openSqliteEventStore } from '@helpdesk/event-store';
import { runHelpdesk } from '../cli.test-world.js';

const REGISTER = [
  'portal',
  'register',
  '--portal',
  'initech',
  '--name',
  'Initech',
  '--time-zone',
  'America/New_York',
  '--subscription-start',
  '2024-01-31',
  '--monthly-limit',
  '5',
  '--by',
  'ops-1',
];

/** `helpdesk portal`: an operator registers a tenant and changes its limit from the command line, recorded like the API's commands. */
describe('helpdesk portal', () => {
  let dataDir: string;

  const portalEvents = async (): Promise<RecordedEvent[]> => {
    const store = openSqliteEventStore({ dataDir });
    const events: RecordedEvent[] = [];
    try {
      for await (const event of store.readStream(portalStreamName('initech'))) events.push(event);
    } catch {
      // No stream yet: no event.
    } finally {
      await store.close();
    }
    return events;
  };

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cli-portal-'));
    await openSqliteEventStore({ dataDir }).close();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('registers a portal with its settings, recorded with the operator as actor, and refuses it twice', async () => {
    const run = await runHelpdesk(dataDir, ...REGISTER);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/events\.sqlite/);
    expect(run.stdout).toMatch(/^portal initech: Initech$/m);
    expect(run.stdout).toMatch(/subscription start +2024-01-31/);
    expect(run.stdout).toMatch(/monthly limit now +5$/m);
    const [registered] = await portalEvents();
    expect(registered).toMatchObject({
      type: 'PortalRegistered',
      data: { portalId: 'initech', monthlyConversationLimit: 5 },
    });
    expect(JSON.stringify(registered?.metadata)).toContain('ops-1');

    const again = await runHelpdesk(dataDir, ...REGISTER);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/PORTAL_ALREADY_REGISTERED/);
    expect(await portalEvents()).toHaveLength(1);
  });

  it('changes the monthly limit once per decision, and shows it', async () => {
    await runHelpdesk(dataDir, ...REGISTER);
    const change = [
      'portal',
      'change-limit',
      '--portal',
      'initech',
      '--limit',
      '8',
      '--effective-from',
      '2024-12-01T00:00:00-05:00',
    ];
    expect((await runHelpdesk(dataDir, ...change)).code).toBe(0);
    expect((await runHelpdesk(dataDir, ...change)).code).toBe(0);
    expect((await portalEvents()).map((event) => event.type)).toEqual(['PortalRegistered', 'MonthlyLimitChanged']);

    const shown = await runHelpdesk(dataDir, 'portal', 'show', '--portal', 'initech');
    expect(shown.stdout).toMatch(/^ {4}8 from 2024-12-01T05:00:00\.000Z$/m);
  });

  it.each([
    [
      [
        'portal',
        'register',
        '--portal',
        'Bad Id',
        '--name',
        'x',
        '--time-zone',
        'UTC',
        '--subscription-start',
        '2024-01-01',
      ],
      /--portal must be/,
    ],
    [
      ['portal', 'register', '--portal', 'initech', '--time-zone', 'UTC', '--subscription-start', '2024-01-01'],
      /--name is required/,
    ],
    [
      ['portal', 'change-limit', '--portal', 'initech', '--limit=-4', '--effective-from', '2024-12-01T00:00:00Z'],
      /--limit must be a whole number/,
    ],
    [['portal', 'rename', '--portal', 'initech'], /expected register, change-limit, suspend, resume or show/],
  ])('refuses a bad command line with exit 2 and records nothing: %j', async (argv, message) => {
    const run = await runHelpdesk(dataDir, ...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(await portalEvents()).toEqual([]);
  });

  it('suspends and resumes a portal, once each', async () => {
    await runHelpdesk(dataDir, ...REGISTER);
    const suspend = ['portal', 'suspend', '--portal', 'initech', '--reason', 'unpaid invoice', '--by', 'ops-1'];
    const suspended = await runHelpdesk(dataDir, ...suspend);
    expect(suspended.stdout).toMatch(/suspended +since .*: unpaid invoice$/m);
    await runHelpdesk(dataDir, ...suspend);
    const resumed = await runHelpdesk(dataDir, 'portal', 'resume', '--portal', 'initech');
    expect(resumed.stdout).toMatch(/suspended +no$/m);
    expect((await portalEvents()).map((event) => event.type)).toEqual([
      'PortalRegistered',
      'PortalSuspended',
      'PortalResumed',
    ]);
    expect((await runHelpdesk(dataDir, 'portal', 'suspend', '--portal', 'initech')).code).toBe(2);
  });

  it('refuses to run where there is no install, and creates none', async () => {
    const elsewhere = join(dataDir, 'not-an-install');
    const run = await runHelpdesk(elsewhere, ...REGISTER);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DATA_DIR/);
    expect(existsSync(elsewhere)).toBe(false);
  });

  it('refuses settings the domain refuses, with its code, and records nothing', async () => {
    const badZone = REGISTER.map((arg) => (arg === 'America/New_York' ? 'Mars/Olympus_Mons' : arg));
    const run = await runHelpdesk(dataDir, ...badZone);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/INVALID_TIME_ZONE/);
    expect(await portalEvents()).toEqual([]);
  });
});
