import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { type Role, mintAccessToken } from '@helpdesk/auth';
import { later } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { FakeGraphApi } from '@helpdesk/fake-graph-api';
import { pywaPayload } from '../../apps/api/src/webhooks/pywa.fixtures.js';
import {
  APP_SECRET,
  RECEIVED_AT,
  VERIFY_TOKEN,
  type WebhookWorld,
  contactWaId,
  openWebhookWorld,
  phoneNumberId,
  textPayload,
} from '../../apps/api/src/webhooks/webhook.test-world.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];
/**
 * The README's screenshots are taken on every run; they replace the committed ones in
 * docs/screenshots only with UPDATE_SCREENSHOTS=1 (their times change each run, and a test run
 * should leave the checkout as it was). Otherwise they go to a temporary folder.
 */
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : mkdtempSync(join(tmpdir(), 'inbox-screenshots-'));
const HOUR = 3_600_000;

/**
 * The agent inbox in a real browser (Debian's chromium through playwright-core) against the real
 * service: a signed webhook arrives live in the list, the agent reads and replies, Meta's status
 * gives the read tick, the 24-hour window closes and the reply box becomes the template picker,
 * and another portal's agent sees none of it. The inbox is built from the sources into a temporary
 * folder first, so the test never runs a stale dist/inbox.
 */
describe('the agent inbox in a browser', () => {
  let world: WebhookWorld;
  let graph: FakeGraphApi;
  let base: string;
  let secret: string;
  let context: BrowserContext;
  let page: Page;
  const folders: string[] = [];

  const token = (portalId: string, roles: Role[], userId = 'agent-1') =>
    mintAccessToken({ portalId, userId, roles, expiresInSeconds: 30 * 24 * 3600 }, secret, world.clock.now());

  async function graphql(query: string, variables: Record<string, unknown>, bearer: string): Promise<any> {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    const answer = (await response.json()) as { data: any; errors?: unknown[] };
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    return answer.data;
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `Debian's chromium is missing (${CHROMIUM}): install it with ` +
          '`apt-get update && apt-get install -y --no-install-recommends chromium` (CI does it in .ci/run).',
      );
    const inboxDir = mkdtempSync(join(tmpdir(), 'inbox-build-'));
    folders.push(inboxDir);
    execFileSync(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--config', 'apps/inbox/vite.config.mjs', '--outDir', inboxDir],
      { stdio: 'pipe' },
    );
    // Meta's Graph API faked: replies get a wamid, inbound media are downloaded and kept.
    graph = await FakeGraphApi.start({ accessToken: 'inbox-token' });
    world = await openWebhookWorld(
      {
        WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_ACCESS_TOKEN: 'inbox-token',
        WHATSAPP_API_URL: graph.baseUrl,
      },
      () => ({ inboxDir }),
    );
    base = world.url.replace('/webhooks/whatsapp', '');
    secret = world.app.get<AppConfig>(APP_CONFIG).auth.jwtSecret;
    await world.connectChannel();
    world.clock.set(RECEIVED_AT);

    const admin = token('acme', ['admin'], 'admin-1');
    const template = { accountId: 'account-1', name: 'follow_up', language: 'en' };
    await graphql(
      'mutation ($i: RegisterTemplateInput!) { registerTemplate(input: $i) { position } }',
      { i: { ...template, category: 'UTILITY', body: 'Hello {{1}}, is your issue solved?' } },
      admin,
    );
    await graphql(
      'mutation ($i: ApproveTemplateInput!) { approveTemplate(input: $i) { position } }',
      { i: template },
      admin,
    );

    const userDataDir = mkdtempSync(join(tmpdir(), 'inbox-chromium-'));
    folders.push(userDataDir);
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
    context.setDefaultTimeout(20_000);
    // The page's clock reads the service's (a test clock), so the 24-hour window agrees.
    await context.clock.setFixedTime(new Date(RECEIVED_AT));
    // Every WebSocket message the page sends, and its sockets (to cut one, as a network would).
    await context.addInitScript(() => {
      const scope = globalThis as any;
      const Native = scope.WebSocket;
      scope.__sent = [];
      scope.__sockets = [];
      scope.__notifications = [];
      const NativeNotification = scope.Notification;
      if (NativeNotification)
        scope.Notification = class extends NativeNotification {
          constructor(title: string, options?: { body?: string }) {
            scope.__notifications.push({ title, body: options?.body });
            super(title, options);
          }
        };
      scope.WebSocket = class extends Native {
        constructor(...args: unknown[]) {
          super(...args);
          scope.__sockets.push(this);
        }
        send(data: unknown) {
          scope.__sent.push(String(data));
          return super.send(data);
        }
      };
    });
    page = context.pages()[0] ?? (await context.newPage());
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    if (SCREENSHOTS !== 'docs/screenshots') rmSync(SCREENSHOTS, { recursive: true, force: true });
    await context?.close();
    await world?.close();
    await graph?.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('answers 404 with a clear message for a missing file, and serves the page with its CSP', async () => {
    const missing = await fetch(`${base}/inbox/assets/nothing-here.js`);
    expect(missing.status).toBe(404);
    const index = await fetch(`${base}/inbox`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).toContain('<div id="app">');
  });

  it("takes an agent from a live webhook to a reply, a read tick, a closed window, a template and Meta's refusal; a quarantined message leaves; another portal sees nothing", async () => {
    const agent = token('acme', ['agent']);

    await page.goto(`${base}/inbox`);
    await page.getByLabel('Access token').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/sign-in.png` });

    // What is not a token, and an expired one, are refused in words.
    const expired = mintAccessToken(
      { portalId: 'acme', userId: 'agent-1', roles: ['agent'], expiresInSeconds: 60 },
      secret,
      new Date(Date.parse(RECEIVED_AT) - HOUR),
    );
    await page.goto(`${base}/inbox#token=${expired}`);
    await page.getByRole('alert').filter({ hasText: 'Your sign-in has expired: sign in again' }).waitFor();
    const tokenField = page.getByLabel('Access token');
    await tokenField.fill('not a token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'This is not an access token' }).waitFor();

    // Sign in, by keyboard: the token in its labelled field, Tab to the button, Enter.
    await tokenField.fill(agent);
    await tokenField.focus();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).resolves.toBe('Sign in');
    await page.keyboard.press('Enter');

    const views = page.getByRole('navigation', { name: 'Views' });
    await views.getByRole('button', { name: /All open/ }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    // Both subscriptions asked for (the service registers them as they arrive).
    await page.waitForFunction(
      () => (globalThis as any).__sent.filter((message: string) => message.includes('"subscribe"')).length >= 2,
    );
    await expect(views.getByRole('button', { name: /All open/ }).textContent()).resolves.toMatch(/All open\s*0/);

    // A contact writes: the ticket appears in the list and the counts move, without a reload.
    expect((await world.post(JSON.stringify(textPayload('wamid.browser-1', 'Hello from WhatsApp')))).status).toBe(200);
    await world.processed();
    const tickets = page.getByRole('list', { name: 'Tickets' });
    const row = tickets.getByRole('button', { name: /Test Name/ });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('Hello from WhatsApp');
    await expect(row.textContent()).resolves.toContain('1 unread');
    await page.waitForFunction(() =>
      /All open\s*1/.test((globalThis as any).document.querySelector('nav[aria-label="Views"]')?.textContent ?? ''),
    );
    await page.screenshot({ path: `${SCREENSHOTS}/ticket-list.png` });

    // Open it: the thread, the 24-hour window's time left (16:53:43 + 24 h is 8 h 53 min away).
    await row.click();
    const conversation = page.getByRole('region', { name: 'Test Name' });
    await conversation.getByText('Hello from WhatsApp').waitFor();
    await conversation.getByText('24-hour window: 8 h 53 min left').waitFor();
    await conversation.getByRole('button', { name: 'Mark read' }).click();
    await conversation.getByText('All read').waitFor();
    await conversation.getByRole('button', { name: 'Assign to me' }).click();
    await conversation.getByText('Owner: agent-1').waitFor();

    // Reply with text.
    await conversation.getByRole('textbox', { name: 'Message' }).fill('How can we help?');
    await conversation.getByRole('button', { name: 'Send reply' }).click();
    const thread = conversation.getByRole('list', { name: /Messages/ });
    await thread.getByText('How can we help?').waitFor();

    // Meta reports it read: the read tick and its time show up (the open thread is refreshed).
    const [ticket] = (await graphql('{ tickets { nodes { id conversationId } } }', {}, agent)).tickets.nodes;
    const replyId = (
      await graphql(
        'query ($c: ID!) { conversation(id: $c) { thread(last: 5) { nodes { id content { ... on TextContent { body } } } } } }',
        { c: ticket.conversationId },
        agent,
      )
    ).conversation.thread.nodes.find((message: any) => message.content?.body === 'How can we help?').id;
    const status = pywaPayload('message_status.json', 'read') as any;
    const readAt = Date.parse(RECEIVED_AT) / 1000 + 300;
    status.entry[0].changes[0].value.statuses = [
      {
        ...status.entry[0].changes[0].value.statuses[0],
        id: 'wamid.reply-1',
        biz_opaque_callback_data: replyId,
        recipient_id: contactWaId,
        timestamp: String(readAt),
      },
    ];
    expect((await world.post(JSON.stringify(status))).status).toBe(200);
    await world.processed();
    // Told by messageDeliveryChanged: the thread's safety re-read (every 30 s) is slower than this wait.
    await thread.getByText(/Read \d/).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: `${SCREENSHOTS}/conversation.png` });

    // 25 hours on, the service refuses free-form text: said in words, and the box becomes the picker.
    world.clock.set(later(RECEIVED_AT, 25 * HOUR));
    await conversation.getByRole('textbox', { name: 'Message' }).fill('Still there?');
    await conversation.getByRole('button', { name: 'Send reply' }).click();
    await conversation
      .getByRole('alert')
      .filter({ hasText: 'The 24-hour window is closed: send a template' })
      .waitFor();
    await expect(conversation.getByRole('alert').textContent()).resolves.not.toContain('SESSION_CLOSED');
    await context.clock.setFixedTime(new Date(later(RECEIVED_AT, 25 * HOUR)));
    const picker = conversation.getByRole('form', { name: 'Send a template' });
    await picker.waitFor();
    await expect(conversation.getByRole('textbox', { name: 'Message' }).count()).resolves.toBe(0);

    // The template, its parameter, its preview and the quota it uses.
    await picker.getByRole('combobox', { name: 'Template' }).selectOption({ label: 'follow_up (en)' });
    await picker.getByRole('textbox', { name: 'Body parameter 1' }).fill('Sam');
    await picker.getByText('Hello Sam, is your issue solved?').waitFor();
    await picker.getByText(/conversations this month/).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/template-picker.png` });
    await picker.getByRole('button', { name: 'Send template' }).click();
    await thread.getByText('Template follow_up (en)').waitFor();
    await thread.getByText('Hello Sam, is your issue solved?').waitFor();

    // Meta refuses the template afterwards: its error shows in words, with Meta's code.
    const templateId = (
      await graphql(
        'query ($c: ID!) { conversation(id: $c) { thread(last: 5) { nodes { id type } } } }',
        { c: ticket.conversationId },
        agent,
      )
    ).conversation.thread.nodes.find((message: any) => message.type === 'TEMPLATE').id;
    const failed = pywaPayload('message_status.json', 'failed') as any;
    failed.entry[0].changes[0].value.statuses = [
      {
        ...failed.entry[0].changes[0].value.statuses[0],
        id: 'wamid.template-1',
        biz_opaque_callback_data: templateId,
        timestamp: String(Date.parse(later(RECEIVED_AT, 25 * HOUR)) / 1000 + 60),
      },
    ];
    expect((await world.post(JSON.stringify(failed))).status).toBe(200);
    await world.processed();
    await thread.getByText(/Not delivered: User's number is part of an experiment/).waitFor({ timeout: 20_000 });
    await thread.getByText(/Meta error 130472/).waitFor();

    // An admin quarantines the contact's first message: it leaves the agent's thread.
    const firstId = (
      await graphql(
        'query ($c: ID!) { conversation(id: $c) { thread(first: 1) { nodes { id } } } }',
        { c: ticket.conversationId },
        agent,
      )
    ).conversation.thread.nodes[0].id;
    await graphql(
      'mutation ($c: ID!, $m: ID!) { quarantineMessage(input: { conversationId: $c, messageId: $m, reason: "phishing" }) { position } }',
      { c: ticket.conversationId, m: firstId },
      token('acme', ['admin'], 'admin-1'),
    );
    // No subscription tells of a quarantine: the ticket's next change (the agent closes it) reloads
    // the thread without it (so does the thread's 30-second safety re-read, which this does not wait for).
    await conversation.getByRole('button', { name: 'Close ticket' }).click();
    await page.waitForFunction(
      () => !(globalThis as any).document.querySelector('ol.thread')?.textContent?.includes('Hello from WhatsApp'),
      undefined,
      { timeout: 20_000 },
    );

    // Reopened.
    await conversation.getByRole('button', { name: 'Reopen ticket' }).click();
    await conversation.getByRole('button', { name: 'Close ticket' }).waitFor();

    // What a screen reader gets: landmarks, and every control named.
    const tree = await page.locator('body').ariaSnapshot();
    for (const expected of [
      'banner',
      'navigation "Views"',
      'main',
      'button "Sign out"',
      'region "Test Name"',
      'group "Ticket actions"',
      'form "Send a template"',
      'combobox "Template"',
      'searchbox "Search tickets"',
      'list "Tickets"',
    ])
      expect(tree).toContain(expected);
    const unnamed = await page.evaluate(() =>
      [...(globalThis as any).document.querySelectorAll('button, input, select, textarea')]
        .filter((element: any) => {
          const control = element;
          const labelled = control.labels?.length || control.getAttribute('aria-label');
          return !labelled && !(element.tagName === 'BUTTON' && element.textContent?.trim());
        })
        .map((element: any) => element.outerHTML),
    );
    expect(unnamed).toEqual([]);

    // Another portal's agent, in a new tab (its own session storage): nothing of it.
    const other = await context.newPage();
    await other.goto(`${base}/inbox#token=${token('globex', ['agent', 'admin'], 'intruder')}`);
    const otherViews = other.getByRole('navigation', { name: 'Views' });
    await otherViews.getByRole('button', { name: /All open/ }).waitFor();
    await other.getByText('0 tickets').waitFor();
    await expect(otherViews.textContent()).resolves.not.toMatch(/[1-9]/);
    await expect(other.getByText('Test Name').count()).resolves.toBe(0);
    await expect(other.getByText('Hello from WhatsApp').count()).resolves.toBe(0);
    await other.getByRole('button', { name: 'Sign out' }).click();
    await other.getByLabel('Access token').waitFor();
    await other.close();
  }, 180_000);

  it('resumes its subscriptions with afterPosition after the connection drops, missing nothing', async () => {
    const subscribes = () =>
      page.evaluate(() =>
        ((globalThis as any).__sent as string[]).filter((message) => message.includes('"subscribe"')),
      );
    const before = (await subscribes()).length;
    // The connection drops; a contact writes meanwhile.
    await page.evaluate(() => (globalThis as any).__sockets.at(-1).close(3000, 'network lost'));
    const from = '972500000077';
    const payload = textPayload('wamid.while-away', 'Written while you were away') as any;
    payload.entry[0].changes[0].value.contacts = [{ profile: { name: 'Away Contact' }, wa_id: from }];
    payload.entry[0].changes[0].value.messages[0].from = from;
    expect((await world.post(JSON.stringify(payload))).status).toBe(200);
    await world.processed();
    await page
      .getByRole('list', { name: 'Tickets' })
      .getByRole('button', { name: /Away Contact/ })
      .waitFor();
    const resumed = (await subscribes()).slice(before).map((message) => JSON.parse(message));
    expect(resumed.length).toBeGreaterThanOrEqual(2);
    for (const message of resumed) expect(message.payload.variables.afterPosition).toMatch(/^\d+:\d+$/);
  }, 60_000);

  it('shows every kind of message: media inline or to download, location, contacts, unsupported; older ones by scrolling down', async () => {
    const from = '972500000099';
    const picture = await page.screenshot({ type: 'jpeg', clip: { x: 0, y: 0, width: 240, height: 120 } });
    const media: Record<string, Buffer> = {
      image: picture,
      video: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42\0\0\0\0mp42isom')]),
      document: Buffer.from('%PDF-1.4\n% the contract\n'),
      audio: Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60)]),
      voice: Buffer.concat([Buffer.from('OggS'), Buffer.alloc(61)]),
      static_sticker: Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), Buffer.alloc(20)]),
    };
    const kinds = [
      'image',
      'video',
      'document',
      'audio',
      'voice',
      'static_sticker',
      'chosen_location',
      'contacts',
      'unsupported',
    ];
    const texts = Array.from({ length: 15 }, (_, index) => ({
      from,
      id: `wamid.kinds-text-${index}`,
      timestamp: String(1697040000 + index),
      type: 'text',
      text: { body: `Earlier message ${index}` },
    }));
    const others = kinds.map((name, index) => {
      const message = structuredClone((pywaPayload('message.json', name) as any).entry[0].changes[0].value.messages[0]);
      delete message.context;
      message.from = from;
      message.id = `wamid.kinds-${name}`;
      message.timestamp = String(1697041000 + index);
      const bytes = media[name];
      if (bytes) {
        const body = message[message.type];
        body.id = String(900_000_001 + index);
        body.sha256 = createHash('sha256').update(bytes).digest('base64');
        graph.holdMedia(body.id, { bytes, mimeType: body.mime_type });
      }
      if (name === 'image') message.image.caption = 'The parcel as it arrived';
      return message;
    });
    for (const message of [...texts, ...others]) {
      const payload = textPayload(message.id, 'unused') as any;
      const value = payload.entry[0].changes[0].value;
      value.contacts = [{ profile: { name: 'Media Sender' }, wa_id: from }];
      value.messages = [message];
      expect((await world.post(JSON.stringify(payload))).status).toBe(200);
    }
    await world.processed();
    // The media fetcher downloads the six files after the webhook's 200: wait until none is pending.
    const agent = token('acme', ['agent']);
    const [{ conversationId }] = (
      await graphql(
        'query ($p: String) { tickets(filter: { contactPhone: $p }) { nodes { conversationId } } }',
        { p: `+${from}` },
        agent,
      )
    ).tickets.nodes;
    const states = async () =>
      (
        await graphql(
          'query ($c: ID!) { conversation(id: $c) { thread(last: 50) { nodes { content { ... on MediaContent { state } } } } } }',
          { c: conversationId },
          agent,
        )
      ).conversation.thread.nodes
        .map((message: any) => message.content?.state)
        .filter(Boolean);
    const deadline = Date.now() + 30_000;
    while ((await states()).some((state: string) => state !== 'STORED') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await states()).toEqual(Array(6).fill('STORED'));

    await page
      .getByRole('list', { name: 'Tickets' })
      .getByRole('button', { name: /Media Sender/ })
      .click();
    const conversation = page.getByRole('region', { name: 'Media Sender' });
    const thread = conversation.getByRole('list', { name: /Messages/ });
    await thread.getByRole('img', { name: 'The parcel as it arrived' }).waitFor();
    // 24 messages: the newest 20 first; the 4 oldest come when the agent scrolls down to them.
    await expect(thread.getByText('Earlier message 0').count()).resolves.toBe(0);
    await thread.getByRole('img', { name: 'Sticker' }).waitFor();
    await thread.locator('video[controls]').waitFor();
    await expect(thread.locator('audio[controls]').count()).resolves.toBe(2);
    await thread.getByText('Facebook HQ').waitFor();
    await thread.getByText(/1 Hacker Way/).waitFor();
    await thread.getByText('Chandler Bing').waitFor();
    await thread.getByText(/Not shown: a message type WhatsApp does not support/).waitFor();
    const download = page.waitForEvent('download');
    await thread.getByRole('button', { name: /Download filename\.pdf/ }).click();
    expect((await download).suggestedFilename()).toBe('filename.pdf');
    await page.setViewportSize({ width: 1280, height: 2400 });
    await page.screenshot({ path: `${SCREENSHOTS}/message-kinds.png` });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Scrolling down is enough: nothing clicks "Load older messages" (it stays for the keyboard).
    await page.mouse.move(900, 600);
    for (let i = 0; i < 20 && (await thread.getByText('Earlier message 0').count()) === 0; i++) {
      await page.mouse.wheel(0, 2_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await thread.getByText('Earlier message 0').waitFor();
    await expect(conversation.getByRole('button', { name: 'Load older messages' }).count()).resolves.toBe(0);
  }, 120_000);

  it('notifies new messages when the agent turns it on, makes, renames and deletes a custom view, shows the usage, and replies with a file', async () => {
    const now = Date.parse(later(RECEIVED_AT, 25 * HOUR)) / 1000;
    const write = async (wamid: string, body: string) => {
      const from = '972500000055';
      const payload = textPayload(wamid, body) as any;
      const value = payload.entry[0].changes[0].value;
      value.contacts = [{ profile: { name: 'Notified Contact' }, wa_id: from }];
      value.messages[0].from = from;
      value.messages[0].timestamp = String(now - 60);
      expect((await world.post(JSON.stringify(payload))).status).toBe(200);
      await world.processed();
    };
    const notifications = () => page.evaluate(() => (globalThis as any).__notifications as { body: string }[]);

    // Notifications: off until the agent turns them on (the browser asks for permission then).
    await context.grantPermissions(['notifications'], { origin: base });
    const toggle = page.getByRole('checkbox', { name: 'Notify me of new messages' });
    await expect(toggle.isChecked()).resolves.toBe(false);
    await toggle.check();
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.notify input').checked);
    await write('wamid.notified-1', 'Ping');
    await page.waitForFunction(() => (globalThis as any).__notifications.some((n: any) => n.body === 'Ping'));
    await toggle.uncheck();
    await write('wamid.notified-2', 'Pong');
    await page.getByRole('list', { name: 'Tickets' }).getByText('Pong').waitFor();
    expect((await notifications()).map((notification) => notification.body)).toEqual(['Ping']);

    // A custom view: WhatsApp tickets that are open, shared with everyone.
    const views = page.getByRole('navigation', { name: 'Views' });
    await views.getByRole('button', { name: 'New view' }).click();
    await views.getByRole('textbox', { name: 'Name' }).fill('WhatsApp open');
    await views.getByRole('combobox', { name: 'Shared with' }).selectOption({ label: 'Everyone' });
    await views.getByRole('combobox', { name: 'Source channel' }).selectOption('whatsapp');
    await views.getByRole('combobox', { name: 'Status' }).selectOption('open');
    await views.getByRole('button', { name: 'Create view' }).click();
    const allOpen = (await views.getByRole('button', { name: /All open/ }).textContent())!.match(/\d+/)![0];
    const custom = views.getByRole('button', { name: /^WhatsApp open/ });
    await custom.waitFor();
    await expect(custom.textContent()).resolves.toMatch(new RegExp(`WhatsApp open\\s*${allOpen}$`));
    await page.getByRole('heading', { name: 'WhatsApp open' }).waitFor();
    // The agent's own view: renamed (its filters stay), then deleted after a second, named click.
    await views.getByRole('button', { name: 'Edit view' }).click();
    await views.getByRole('textbox', { name: 'Name' }).fill('WhatsApp, open');
    await views.getByRole('button', { name: 'Save view' }).click();
    const renamed = views.getByRole('button', { name: /^WhatsApp, open/ });
    await renamed.waitFor();
    await expect(renamed.textContent()).resolves.toMatch(new RegExp(`WhatsApp, open\\s*${allOpen}$`));
    await views.getByRole('button', { name: 'Delete view' }).click();
    await views.getByRole('button', { name: 'Delete “WhatsApp, open”' }).click();
    await renamed.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'All open' }).waitFor();
    // A default view offers neither.
    await expect(views.getByRole('button', { name: 'Edit view' }).count()).resolves.toBe(0);

    // Filters narrow the view's list: nobody owns the notified contact's ticket, the tour's is agent-1's.
    const tickets = page.getByRole('list', { name: 'Tickets' });
    const notifiedRow = tickets.getByRole('button', { name: /Notified Contact/ });
    const search = page.getByRole('search');
    await search.getByRole('combobox', { name: 'Owner' }).selectOption({ label: 'Me' });
    await notifiedRow.waitFor({ state: 'detached' });
    await tickets.getByRole('button', { name: /Test Name/ }).waitFor();
    await search.getByRole('combobox', { name: 'Owner' }).selectOption({ label: 'Nobody' });
    await notifiedRow.waitFor();
    await expect(tickets.getByRole('button', { name: /Test Name/ }).count()).resolves.toBe(0);
    await search.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Closed' });
    await notifiedRow.waitFor({ state: 'detached' });
    await search.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Any status' });
    await search.getByRole('combobox', { name: 'Owner' }).selectOption({ label: 'Anyone' });
    await notifiedRow.waitFor();
    await page
      .getByRole('region', { name: 'Usage' })
      .getByText(/of 1000 conversations this month/)
      .waitFor();

    // A reply with a file: uploaded, then sent as the reply's attachment with its caption.
    await page
      .getByRole('list', { name: 'Tickets' })
      .getByRole('button', { name: /Notified Contact/ })
      .click();
    const conversation = page.getByRole('region', { name: 'Notified Contact' });
    await conversation.getByText(/24-hour window: 23 h 59 min left/).waitFor();
    const attach = conversation.getByLabel('Attach a file (image, video, audio or document)');
    await attach.setInputFiles({ name: 'tool.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') });
    await conversation.getByRole('button', { name: 'Send file' }).click();
    await conversation.getByRole('alert').filter({ hasText: 'WhatsApp does not accept this kind of file' }).waitFor();
    await attach.setInputFiles({
      name: 'invoice.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% the invoice\n'),
    });
    await conversation.getByRole('textbox', { name: 'Caption' }).fill('Your invoice');
    await conversation.getByRole('button', { name: 'Send file' }).click();
    const thread = conversation.getByRole('list', { name: /Messages/ });
    await thread.getByRole('button', { name: /Download invoice\.pdf/ }).waitFor();
    await thread.getByText('Your invoice').waitFor();
  }, 120_000);

  it('starts a conversation with a contact from a chosen number with a template', async () => {
    await graphql(
      'mutation { createContact(input: { name: "Dana Contact", mobilePhoneNumber: "+972501112233" }) { contactId } }',
      {},
      token('acme', ['agent']),
    );
    await page.getByRole('button', { name: 'New conversation' }).click();
    const form = page.getByRole('form', { name: 'New conversation' });
    await form.getByRole('combobox', { name: 'Contact' }).selectOption({ label: 'Dana Contact (+972501112233)' });
    await form.getByRole('combobox', { name: 'From number' }).selectOption(phoneNumberId);
    await form.getByRole('combobox', { name: 'Template' }).selectOption({ label: 'follow_up (en)' });
    await form.getByRole('textbox', { name: 'Body parameter 1' }).fill('Dana');
    await form.getByText('Hello Dana, is your issue solved?').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/new-conversation.png` });
    await form.getByRole('button', { name: 'Start conversation' }).click();
    const conversation = page.getByRole('region', { name: 'Dana Contact' });
    await conversation
      .getByRole('list', { name: /Messages/ })
      .getByText('Hello Dana, is your issue solved?')
      .waitFor();
    await page
      .getByRole('list', { name: 'Tickets' })
      .getByRole('button', { name: /Dana Contact/ })
      .waitFor();
  }, 60_000);

  it('loads on demo-sized data (measured and printed, not asserted)', async () => {
    // 150 more conversations of 3 messages each, as the demo traffic leaves.
    const contacts = 150;
    for (let index = 0; index < contacts; index += 1) {
      const from = `9725${String(1_000_000 + index)}`;
      const payload = textPayload(`wamid.demo-${index}-0`, `Demo message ${index}`) as any;
      const value = payload.entry[0].changes[0].value;
      value.contacts = [{ profile: { name: `Demo contact ${index}` }, wa_id: from }];
      value.metadata.phone_number_id = phoneNumberId;
      value.messages = [0, 1, 2].map((n) => ({
        from,
        id: `wamid.demo-${index}-${n}`,
        timestamp: String(Date.parse(later(RECEIVED_AT, 25 * HOUR)) / 1000 + index * 10 + n),
        type: 'text',
        text: { body: `Demo message ${index}.${n}` },
      }));
      expect((await world.post(JSON.stringify(payload))).status).toBe(200);
    }
    await world.processed();

    const fresh = await context.newPage();
    const started = Date.now();
    await fresh.goto(`${base}/inbox#token=${token('acme', ['agent'])}`);
    await fresh.getByRole('list', { name: 'Tickets' }).getByRole('button').first().waitFor();
    await fresh.getByRole('button', { name: /All open\s*15\d/ }).waitFor();
    const shown = Date.now() - started;
    await fresh.getByRole('list', { name: 'Tickets' }).getByRole('button').first().click();
    await fresh
      .getByRole('region', { name: /Demo contact/ })
      .getByText(/Demo message/)
      .first()
      .waitFor();
    const opened = Date.now() - started;
    console.log(
      `Inbox load on ${contacts + 1} tickets (cold tab, token in the URL): views and the first page of tickets ` +
        `shown ${shown} ms after navigation started; first conversation open ${opened} ms after it.`,
    );
    await fresh.screenshot({ path: `${SCREENSHOTS}/demo-data.png` });
    await fresh.close();
  }, 300_000);
});
