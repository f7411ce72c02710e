import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@helpdesk/config';
import { EVENT_STORE, type EventStore, StreamNotFoundError } from '@helpdesk/event-store';
import { type InProcessEventStoreDB, startInProcessEventStoreDB } from '../../../../test/esdb-server/index.js';
import { collect } from '../../../../test/support/async-results.js';
import { TestClock } from '@helpdesk/commands/conversation/conversation.test-world.js';
import { createApp } from '../create-app.js';
import { UNHEALTHY_REUSED_FOR_MS } from './get-service-health.handler.js';

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
      projector: { mode: 'in-process', healthy: true },
    });
  });

  it('answers the same report over GraphQL', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/graphql',
      payload: {
        query:
          '{ serviceHealth { healthy eventStore { kind healthy } readStore { kind healthy } projector { mode healthy running restarts } } }',
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      data: {
        serviceHealth: {
          healthy: true,
          eventStore: { kind: 'sqlite', healthy: true },
          readStore: { kind: 'sqlite', healthy: true },
          projector: { mode: 'in-process', healthy: true, running: null, restarts: null },
        },
      },
    });
  });

  it('refuses an invalid GraphQL document with a 400 and a message', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/graphql',
      payload: { query: '{ serviceHealth { noSuchField } }' },
    });
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json())).toMatch(/noSuchField/);
  });

  it('serves no GraphiQL outside development', async () => {
    const response = await app.inject({ method: 'GET', url: '/graphiql' });
    expect(response.statusCode).toBe(404);
  });
});

describe('readiness while the embedded event store cannot write (its file locked by another connection)', () => {
  let app: NestFastifyApplication;
  let dataDir: string;
  const clock = new TestClock(new Date('2024-05-01T00:00:00.000Z'));
  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json() };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-health-locked-'));
    app = await createApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' }), { clock });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 on /health and /health/ready, 200 on /health/live, and 200 again once the lock is gone', async () => {
    expect((await get('/health')).status).toBe(200);
    // Reads still work while another process holds the write lock: a read probe alone said 200 here.
    const locker = new Database(join(dataDir, 'events.sqlite'));
    try {
      locker.exec('BEGIN EXCLUSIVE');
      const health = await get('/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({
        healthy: false,
        eventStore: { adapter: 'sqlite', healthy: false, detail: expect.stringMatching(/cannot write/) },
      });
      expect(health.body.readStore).toEqual({ dialect: 'sqlite', healthy: true });
      expect((await get('/health/ready')).status).toBe(503);
      expect(await get('/health/live')).toEqual({ status: 200, body: { live: true } });
      const graphql = await app.inject({
        method: 'POST',
        url: '/graphql',
        payload: { query: '{ serviceHealth { healthy eventStore { healthy } } }' },
      });
      expect(graphql.json()).toEqual({ data: { serviceHealth: { healthy: false, eventStore: { healthy: false } } } });
      locker.exec('ROLLBACK');
    } finally {
      locker.close();
    }
    // Within a second the unhealthy answer is reused, so /health cannot make the service wait for the lock over and over.
    expect((await get('/health')).status).toBe(503);
    clock.set(new Date(clock.now().getTime() + UNHEALTHY_REUSED_FOR_MS).toISOString());
    expect(await get('/health')).toMatchObject({ status: 200, body: { healthy: true } });
    expect((await get('/health/ready')).status).toBe(200);
  });
});

describe('readiness on EventStoreDB (the in-process gRPC server stopped and started again)', () => {
  let app: NestFastifyApplication;
  let dataDir: string;
  let server: InProcessEventStoreDB;
  const clock = new TestClock(new Date('2024-05-01T00:00:00.000Z'));
  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json() };
  };

  beforeAll(async () => {
    server = await startInProcessEventStoreDB();
    dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-health-esdb-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      EVENTSTORE_URL: server.connectionString,
    });
    app = await createApp(config, { clock });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await server.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is ready while the server takes writes, 503 while it is down, ready again after, and the check writes nothing', async () => {
    expect(await get('/health/ready')).toMatchObject({
      status: 200,
      body: { eventStore: { adapter: 'eventstoredb', healthy: true, detail: expect.stringMatching(/writable/) } },
    });
    await server.stop();
    try {
      expect(await get('/health')).toMatchObject({
        status: 503,
        body: { eventStore: { adapter: 'eventstoredb', healthy: false } },
      });
      expect((await get('/health/live')).status).toBe(200);
    } finally {
      await server.start();
    }
    clock.set(new Date(clock.now().getTime() + UNHEALTHY_REUSED_FOR_MS).toISOString());
    expect((await get('/health')).status).toBe(200);
    const store = app.get<EventStore>(EVENT_STORE);
    await expect(collect(store.readStream('helpdesk-health-write-probe'))).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('is not ready while the node serves reads but takes no writes (its cluster lost the leader)', async () => {
    server.loseLeader();
    try {
      // A read probe alone said 200 here.
      const health = await get('/health');
      expect(health).toMatchObject({
        status: 503,
        body: { healthy: false, eventStore: { adapter: 'eventstoredb', healthy: false } },
      });
      expect((await get('/health/ready')).status).toBe(503);
      expect((await get('/health/live')).status).toBe(200);
    } finally {
      server.electLeader();
    }
    clock.set(new Date(clock.now().getTime() + UNHEALTHY_REUSED_FOR_MS).toISOString());
    expect((await get('/health/ready')).status).toBe(200);
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
