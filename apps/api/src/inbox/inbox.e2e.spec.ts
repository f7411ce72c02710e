import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@helpdesk/config';
import { createApp } from '../create-app.js';
import { defaultInboxDirectory } from './inbox.routes.js';

async function boot(inboxDir: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'inbox-route-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'production' });
  const app: NestFastifyApplication = await createApp(config, { inboxDir });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('GET /inbox: the built agent inbox', () => {
  const folders: string[] = [];
  const folder = (prefix: string) => {
    const path = mkdtempSync(join(tmpdir(), prefix));
    folders.push(path);
    return path;
  };
  afterAll(() => {
    for (const path of folders) rmSync(path, { recursive: true, force: true });
  });

  it('is dist/inbox of the installation by default', () => {
    expect(defaultInboxDirectory()).toBe(join(process.cwd(), 'dist', 'inbox'));
  });

  describe('when it was not built', () => {
    let server: Awaited<ReturnType<typeof boot>>;
    beforeAll(async () => {
      server = await boot(folder('inbox-missing-'));
    });
    afterAll(() => server.close());

    it('answers 404 saying how to build it, and the API still serves', async () => {
      for (const url of ['/inbox', '/inbox/', '/inbox/assets/index.js']) {
        const answer = await server.app.inject({ method: 'GET', url });
        expect(answer.statusCode).toBe(404);
        expect(answer.body).toContain('The agent inbox is not built: run `npm run build`');
      }
      expect((await server.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    });
  });

  describe('when it was built', () => {
    let server: Awaited<ReturnType<typeof boot>>;
    let built: string;
    beforeAll(async () => {
      built = folder('inbox-built-');
      mkdirSync(join(built, 'assets'));
      writeFileSync(join(built, 'index.html'), '<!doctype html><div id="app"></div>');
      writeFileSync(join(built, 'assets', 'index-abc123.js'), 'console.log(1)');
      writeFileSync(join(built, 'assets', 'index-abc123.css'), 'body{}');
      // Beside the build: never reachable through /inbox.
      writeFileSync(join(built, '..', `secret-${process.pid}.txt`), 'not for the web');
      server = await boot(built);
    });
    afterAll(async () => {
      rmSync(join(built, '..', `secret-${process.pid}.txt`), { force: true });
      await server.close();
    });

    it('serves the page and its hashed assets with their types, caching and a same-origin CSP, without a token', async () => {
      for (const url of ['/inbox', '/inbox/']) {
        const page = await server.app.inject({ method: 'GET', url, headers: { host: 'desk.test:3000' } });
        expect(page.statusCode).toBe(200);
        expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(page.headers['cache-control']).toBe('no-cache');
        expect(page.body).toContain('<div id="app">');
        const csp = String(page.headers['content-security-policy']).split('; ');
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("connect-src 'self' ws://desk.test:3000 wss://desk.test:3000");
        expect(page.headers['x-frame-options']).toBe('DENY');
      }
      const script = await server.app.inject({ method: 'GET', url: '/inbox/assets/index-abc123.js' });
      expect(script.statusCode).toBe(200);
      expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(script.headers['x-content-type-options']).toBe('nosniff');
      const style = await server.app.inject({ method: 'GET', url: '/inbox/assets/index-abc123.css' });
      expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    });

    it.each([
      ['an unknown file', '/inbox/assets/other.js'],
      ['a path out of the build', `/inbox/../secret-${process.pid}.txt`],
      ['an encoded path out of the build', `/inbox/%2e%2e/secret-${process.pid}.txt`],
      ['an encoded slash', `/inbox/assets%2f..%2f..%2fsecret-${process.pid}.txt`],
      ['a malformed escape', '/inbox/assets/%E0%A4%A.js'],
      ['a NUL byte', '/inbox/index.html%00.js'],
      ['a huge path', `/inbox/${'a'.repeat(60_000)}.js`],
    ])('refuses %s (404, or 400 when it is no path) and shows nothing of the disk', async (_, url) => {
      const answer = await server.app.inject({ method: 'GET', url });
      expect([400, 404, 414]).toContain(answer.statusCode);
      expect(answer.body).not.toContain('not for the web');
      expect(answer.body).not.toContain('console.log');
    });
  });
});
