import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type WebSocketClass from 'ws';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '@helpdesk/config';
import { mintAccessToken } from '@helpdesk/auth';
import { TestClock } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { createApp } from '../create-app.js';

// Node 20 has no WebSocket of its own; `ws` comes with Mercurius.
const WebSocket = createRequire(import.meta.url)('ws') as typeof WebSocketClass;

const SECRET = 'graphiql-e2e-secret-long-enough-for-hs256';

async function boot(environment: 'development' | 'production', clock = new TestClock(new Date())) {
  const dataDir = mkdtempSync(join(tmpdir(), `graphiql-${environment}-`));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: environment, AUTH_JWT_SECRET: SECRET });
  const app = await createApp(config, { clock });
  await app.listen(0, '127.0.0.1');
  return {
    app,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The `src` and `href` of every script, stylesheet or link of the page. */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/gi)].map(([, url]) => url);
}

describe('GraphiQL in development, served from the installed packages', () => {
  let server: Awaited<ReturnType<typeof boot>>;
  let app: NestFastifyApplication;
  const clock = new TestClock(new Date());
  beforeAll(async () => {
    server = await boot('development', clock);
    app = server.app;
  });
  afterAll(() => server.close());

  it('serves a page that loads only from its own origin, under a strict Content-Security-Policy', async () => {
    const page = await app.inject({ method: 'GET', url: '/graphiql', headers: { host: 'helpdesk.test:8443' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).not.toMatch(/https?:\/\//i);
    expect(page.body).not.toMatch(/unpkg|jsdelivr|cdn/i);
    const urls = referencedUrls(page.body);
    expect(urls.length).toBe(5);
    for (const url of urls) expect(url).toMatch(/^\/graphiql\/[\w.-]+\.(js|css)$/);

    const csp = String(page.headers['content-security-policy']);
    expect(csp.split('; ')).toEqual([
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self' data:",
      "connect-src 'self' ws://helpdesk.test:8443 wss://helpdesk.test:8443",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves every script and stylesheet the page names, with its content type', async () => {
    const page = await app.inject({ method: 'GET', url: '/graphiql' });
    const urls = referencedUrls(page.body);
    const scripts = [...page.body.matchAll(/<script src="([^"]+)"/g)].map(([, url]) => url);
    const styles = [...page.body.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map(([, url]) => url);
    expect([...scripts, ...styles].sort()).toEqual([...urls].sort());
    // React before ReactDOM before GraphiQL before the script that starts it.
    expect(
      scripts.map((url) => /^\/graphiql\/([a-z-]+)-[0-9a-f.]+(?:\.production)?\.(?:min\.)?js$/.exec(url)?.[1]),
    ).toEqual(['react', 'react-dom', 'graphiql', 'start']);
    for (const url of urls) {
      const asset = await app.inject({ method: 'GET', url });
      expect({ url, status: asset.statusCode }).toEqual({ url, status: 200 });
      expect(asset.headers['content-type']).toMatch(
        url.endsWith('.css') ? /^text\/css; charset=utf-8$/ : /^text\/javascript; charset=utf-8$/,
      );
      expect(asset.headers['content-security-policy']).toContain("default-src 'none'");
      expect(asset.body.length).toBeGreaterThan(url.includes('start') ? 200 : 5_000);
    }
    const graphiql = await app.inject({ method: 'GET', url: scripts[2] });
    expect(graphiql.body).toContain('createFetcher');
    const start = await app.inject({ method: 'GET', url: scripts[3] });
    expect(start.body).toContain('GraphiQL.createFetcher');
    expect(start.body).toContain('subscriptionUrl');
    expect(start.body).toContain('Bearer <paste token>');
  });

  it('starts GraphiQL against this origin, subscriptions on its WebSocket, the Authorization header to fill in', async () => {
    const page = await app.inject({ method: 'GET', url: '/graphiql' });
    const startUrl = [...page.body.matchAll(/<script src="([^"]+)"/g)].map(([, url]) => url).at(-1)!;
    const start = await app.inject({ method: 'GET', url: startUrl });
    // Run in a sandbox whose GraphiQL, React and ReactDOM record what the script hands them.
    const seen: { fetcherOptions?: unknown; props?: Record<string, unknown>; rendered?: unknown } = {};
    const element = { id: 'graphiql' };
    const sandbox = {
      URL,
      window: { location: { href: 'https://helpdesk.example:8443/graphiql?x=1' } },
      document: { getElementById: (id: string) => (id === 'graphiql' ? element : null) },
      GraphiQL: Object.assign(function GraphiQL() {}, {
        createFetcher: (options: unknown) => ((seen.fetcherOptions = options), 'the fetcher'),
      }),
      React: {
        createElement: (type: unknown, props: Record<string, unknown>) => ((seen.props = props), { type, props }),
      },
      ReactDOM: {
        createRoot: (root: unknown) => ({ render: (tree: unknown) => (seen.rendered = { root, tree }) }),
      },
    };
    runInNewContext(start.body, sandbox);
    expect(seen.fetcherOptions).toEqual({
      url: 'https://helpdesk.example:8443/graphql',
      subscriptionUrl: 'wss://helpdesk.example:8443/graphql',
      headers: {},
      wsConnectionParams: {},
    });
    expect(seen.props).toMatchObject({ fetcher: 'the fetcher', shouldPersistHeaders: false });
    expect(JSON.parse(String(seen.props!.defaultHeaders))).toEqual({ Authorization: 'Bearer <paste token>' });
    expect(seen.rendered).toMatchObject({ root: element, tree: { type: sandbox.GraphiQL } });

    sandbox.window.location.href = 'http://localhost:3000/graphiql';
    runInNewContext(start.body, sandbox);
    expect(seen.fetcherOptions).toMatchObject({
      url: 'http://localhost:3000/graphql',
      subscriptionUrl: 'ws://localhost:3000/graphql',
    });
  });

  it('names no host in the Content-Security-Policy when the Host header is not a plain host', async () => {
    const page = await app.inject({
      method: 'GET',
      url: '/graphiql',
      headers: { host: "evil; script-src 'unsafe-inline'" },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self';");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self';");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline;');
    expect(page.headers['content-security-policy']).not.toContain('evil');
  });

  it("accepts a WebSocket whose connection_init carries the headers editor's Authorization, as GraphiQL sends it", async () => {
    const wsUrl = `${(await app.getUrl()).replace(/^http/, 'ws')}/graphql`;
    const token = mintAccessToken(
      { portalId: 'acme', userId: 'acme-agent', roles: ['agent'], expiresInSeconds: 600 },
      SECRET,
      clock.now(),
    );
    // GraphiQL's createFetcher: connectionParams = { ...wsConnectionParams, ...headers of the editor }.
    const first = await connectionInit(wsUrl, { Authorization: `Bearer ${token}` });
    expect(first).toEqual({ type: 'connection_ack' });
    const refused = await connectionInit(wsUrl, { Authorization: 'Bearer <paste token>' });
    expect(refused).toMatchObject({ closed: 4403 });
  });
});

describe('GraphiQL in production', () => {
  let server: Awaited<ReturnType<typeof boot>>;
  beforeAll(async () => {
    server = await boot('production');
  });
  afterAll(() => server.close());

  it('answers 404 for the page and every asset path', async () => {
    for (const url of [
      '/graphiql',
      '/graphiql/',
      '/graphiql/main.js',
      '/graphiql/config.js',
      '/graphiql/graphiql-3.9.0.min.js',
      '/graphiql/graphiql-3.9.0.min.css',
      '/graphiql/react-18.3.1.production.min.js',
    ]) {
      const response = await server.app.inject({ method: 'GET', url });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 404 });
    }
  });
});

/** The first answer to a connection_init: a message, or the close code. */
function connectionInit(url: string, payload: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
    socket.on('message', (data) => {
      resolve(JSON.parse(String(data)));
      socket.close();
    });
    socket.on('close', (code) => resolve({ closed: code }));
    socket.on('error', reject);
  });
}
