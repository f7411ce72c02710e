import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@helpdesk/config';
import { createApp } from '../create-app.js';

describe('health (embedded default stores)', () => {
  let app: NestFastifyApplication;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-health-'));
    app = await createApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' }));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('GET /health reports both stores healthy on SQLite', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      healthy: true,
      eventStore: { adapter: 'sqlite', healthy: true, detail: join(dataDir, 'events.sqlite') },
      readStore: { dialect: 'sqlite', healthy: true },
    });
  });

  it('answers the same report over GraphQL', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/graphql',
      payload: { query: '{ serviceHealth { healthy eventStore { kind healthy } readStore { kind healthy } } }' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      data: {
        serviceHealth: {
          healthy: true,
          eventStore: { kind: 'sqlite', healthy: true },
          readStore: { kind: 'sqlite', healthy: true },
        },
      },
    });
  });

  it('refuses an invalid GraphQL document with a 400 and a message', async () => {
    const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ serviceHealth { noSuchField } }' } });
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json())).toMatch(/noSuchField/);
  });

  it('serves no GraphiQL outside development', async () => {
    const response = await app.inject({ method: 'GET', url: '/graphiql' });
    expect(response.statusCode).toBe(404);
  });
});

describe('health (EventStoreDB configured but unreachable)', () => {
  let app: NestFastifyApplication;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-health-down-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false',
    });
    app = await createApp(config);
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 and names the store that is down', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
    const body = response.json();
    expect(body.healthy).toBe(false);
    expect(body.eventStore).toMatchObject({ adapter: 'eventstoredb', healthy: false });
    expect(body.readStore).toEqual({ dialect: 'sqlite', healthy: true });
  });
});
