/**
 * The operators' rule-change workflow end to end: a service records history under a rulebook
 * that does not know the 1 November 2024 switch; the rulebook gains it and the service restarts;
 * `helpdesk projections rebuild quota` recomputes the counters while the API keeps answering.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CommandBus } from '@nestjs/cqrs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@helpdesk/config';
import { RULEBOOK, type Rulebook, conversationIdOf, toWaId } from '@helpdesk/domain';
import { runHelpdesk } from '../../apps/cli/src/cli.test-world.js';
import { mintToken } from '../../apps/cli/src/mint-token/mint-token.command.js';
import { ConnectAccountCommand } from '@helpdesk/commands/channel/connect-account.handler.js';
import { TestClock } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { ReceiveInboundMessageCommand } from '@helpdesk/commands/conversation/receive-inbound-message.handler.js';
import { ReplyToContactCommand } from '@helpdesk/commands/conversation/reply-to-contact.handler.js';
import { createApp } from '../../apps/api/src/create-app.js';
import { formatPosition } from '../../apps/api/src/graphql/positions.js';
import { RegisterPortalCommand } from '@helpdesk/commands/portal/register-portal.handler.js';

const SECRET = 'e2e-secret-that-is-long-enough-for-hs256';
const beforeTheSwitch: Rulebook = {
  ...RULEBOOK,
  counting: RULEBOOK.counting.filter((rule) => rule.effectiveFrom < '2024-11-01'),
};
const phoneNumberId = '106540352242922';
const origin = { portalId: 'acme', actor: { kind: 'user' as const, id: 'admin-1' } };
const QUOTA = `query Quota($at: String) { quotaUsage(periodKey: "2024-10-15", atLeastPosition: $at) { used limit remaining } }`;
const TICKETS = `{ tickets(first: 10) { totalCount } }`;

describe('a rule change followed by a rebuild, while the API keeps answering', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rule-change-'));
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test', AUTH_JWT_SECRET: SECRET };
  const clock = new TestClock(new Date('2024-10-20T08:00:00.000Z'));
  let app: NestFastifyApplication | undefined;
  let url = '';
  let token = '';

  async function start(rulebook: Rulebook): Promise<void> {
    app = await createApp(loadConfig(env), { clock, rulebook });
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/graphql`;
  }

  async function graphql(query: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      ...((await response.json()) as { data?: Record<string, never>; errors?: unknown[] }),
    };
  }

  beforeAll(async () => {
    const io = { stdout: (text: string) => void (token += text), stderr: () => undefined, env };
    // Minted at the service's clock (a token issued in the future is refused), valid for the whole test.
    const issue = ['--portal', 'acme', '--user', 'agent-1', '--roles', 'agent', '--expires-in', '30d'];
    await mintToken(issue, io, clock.now());
    token = token.trim();
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('recomputes November’s session as free and never fails a query on the way', async () => {
    await start(beforeTheSwitch);
    const bus = app!.get(CommandBus);
    await bus.execute(
      new RegisterPortalCommand(origin, {
        name: 'Acme',
        timeZone: 'Europe/Paris',
        subscriptionStartedOn: '2024-01-15',
      }),
    );
    await bus.execute(
      new ConnectAccountCommand(origin, {
        ...{ accountId: 'account-1', wabaId: 'waba-1', name: 'Acme support', timeZone: 'Europe/Paris' },
        ...{
          accountType: 'business',
          businessVerified: true,
          phoneNumbers: [{ phoneNumberId, displayNumber: '+15550001111' }],
        },
      }),
    );
    let last = '';
    for (const [index, day] of ['2024-10-31', '2024-11-02'].entries()) {
      const from = `+3361234567${index}`;
      clock.set(`${day}T10:00:00.000Z`);
      await bus.execute(
        new ReceiveInboundMessageCommand({
          phoneNumberId,
          wamid: `wamid.${index}`,
          from,
          sentAt: `${day}T10:00:00.000Z`,
          content: { kind: 'text', body: 'Hi' },
        }),
      );
      clock.set(`${day}T11:00:00.000Z`);
      const conversationId = conversationIdOf({ portalId: 'acme', phoneNumberId, contactWaId: toWaId(from) });
      const receipt = await bus.execute(
        new ReplyToContactCommand({ ...origin, actor: { kind: 'user', id: 'agent-1' } }, conversationId, {
          kind: 'text',
          body: 'On it',
        }),
      );
      last = formatPosition(receipt.position!);
    }
    const before = await graphql(QUOTA, { at: last });
    expect(before.errors).toBeUndefined();
    expect(before.data?.quotaUsage).toMatchObject({ used: 2 });

    // The rulebook gains the switch: deploy and restart.
    await app!.close();
    await start(RULEBOOK);
    const stale = await runHelpdesk(dataDir, 'projections', 'status');
    expect(stale.stdout).toMatch(/^quota .*STALE /m);
    expect((await graphql(QUOTA)).data?.quotaUsage).toMatchObject({ used: 2 });

    let rebuilding = true;
    const seen: number[] = [];
    let answeredWhileRebuilding = 0;
    const answering = (async () => {
      while (rebuilding) {
        const [quota, tickets] = await Promise.all([graphql(QUOTA), graphql(TICKETS)]);
        expect([quota.status, quota.errors, tickets.status, tickets.errors]).toEqual([200, undefined, 200, undefined]);
        expect(tickets.data?.tickets).toMatchObject({ totalCount: 2 });
        seen.push((quota.data!.quotaUsage as { used: number }).used);
        if (rebuilding) answeredWhileRebuilding++;
      }
    })();
    const rebuild = await runHelpdesk(dataDir, 'projections', 'rebuild', 'quota', '--batch-size', '1');
    rebuilding = false;
    await answering;

    expect(rebuild).toMatchObject({ code: 0, stdout: expect.stringMatching(/^quota v2: build 1 switched in/m) });
    // Answered before the rebuild ended: the API was not waiting for it.
    expect(answeredWhileRebuilding).toBeGreaterThan(0);
    expect(seen.every((used) => used === 2 || used === 1)).toBe(true);
    expect((await graphql(QUOTA)).data?.quotaUsage).toMatchObject({ used: 1, limit: 1000, remaining: 999 });
    const fresh = await runHelpdesk(dataDir, 'projections', 'status');
    expect(fresh.stdout).not.toMatch(/STALE/);
  }, 60_000);
});
