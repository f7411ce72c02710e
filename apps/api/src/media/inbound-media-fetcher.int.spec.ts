import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversationStreamName } from '@helpdesk/domain';
import { FilesystemMediaStore } from '@helpdesk/media-store';
import { FakeGraphApi, graphErrors } from '@helpdesk/fake-graph-api';
import {
  type World,
  conversationOf,
  contactPhone,
  openWorld,
  phoneNumberId,
} from '@helpdesk/commands/conversation/conversation.test-world.js';
import { conversationCommand, onConversation } from '@helpdesk/commands/conversation/conversation-commands.js';
import { VirtualTimers } from '../outbound/outbound.test-world.js';
import { HttpGraphMediaApi } from './graph-media-client.js';
import { mediaStorageKey } from './media-storage-key.js';
import { InboundMediaFetcher, type MediaFetcherSettings } from './inbound-media-fetcher.js';

const ACCESS_TOKEN = 'media-int-token';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('InboundMediaFetcher on the embedded store, against the fake Graph API', () => {
  let world: World;
  let graph: FakeGraphApi;
  let mediaDir: string;
  let fetcher: InboundMediaFetcher | null = null;
  let timers: VirtualTimers;

  beforeEach(async () => {
    world = await openWorld({ connectedAt: '2025-03-01T00:00:00.000Z' });
    world.clock.set('2025-03-10T09:00:02.000Z');
    graph = await FakeGraphApi.start({ accessToken: ACCESS_TOKEN });
    mediaDir = mkdtempSync(join(tmpdir(), 'media-int-'));
    timers = new VirtualTimers(world.clock);
  });

  afterEach(async () => {
    await fetcher?.stop();
    fetcher = null;
    await graph.close();
    await world.close();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  function startFetcher(settings: Partial<MediaFetcherSettings> = {}): InboundMediaFetcher {
    fetcher = new InboundMediaFetcher({
      store: world.store,
      graph: new HttpGraphMediaApi({ apiUrl: graph.url, accessToken: ACCESS_TOKEN }),
      media: new FilesystemMediaStore(mediaDir),
      clock: world.clock,
      timers,
      random: () => 0.5,
      settings: { backoff: { baseMs: 1_000, capMs: 60_000 }, ...settings },
    });
    fetcher.start();
    return fetcher;
  }

  /** The position of the message's own event: the fetcher follows only those. */
  async function receiveImage(wamid: string, mediaId: string) {
    const content = { kind: 'image' as const, mediaId, mimeType: 'image/jpeg' };
    const sentAt = '2025-03-10T09:00:00.000Z';
    await world.receive({ phoneNumberId, wamid, from: contactPhone, sentAt, content });
    const events = await world.eventsOf(conversationStreamName(conversationOf()));
    const received = events.filter((event) => event.type === 'InboundMessageReceived').at(-1)!;
    return { position: received.position };
  }

  async function mediaEvents() {
    const events = await world.eventsOf(conversationStreamName(conversationOf()));
    return events.filter((event) => event.type.startsWith('InboundMedia')).map(({ type, data }) => ({ type, data }));
  }

  /** Quarantines the conversation's latest inbound message; the position of MessageQuarantined. */
  async function quarantineLatest() {
    const events = await world.eventsOf(conversationStreamName(conversationOf()));
    const { messageId } = events.filter((event) => event.type === 'InboundMessageReceived').at(-1)!.data as {
      messageId: string;
    };
    const origin = { portalId: 'acme', actor: { kind: 'system', id: 'content-policy' } } as const;
    const command = conversationCommand(
      'QuarantineMessage',
      { messageId, reason: 'Policy' },
      origin,
      world.clock.now(),
    );
    const handled = await onConversation(world.store, conversationOf(), command, origin);
    expect(handled.events.map((event) => event.type)).toEqual(['MessageQuarantined']);
    return { messageId, position: handled.position! };
  }

  const storedFiles = () => readdirSync(mediaDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());

  it('stores the bytes once, and a restart downloads nothing again', async () => {
    const bytes = Buffer.from('a photo of the parcel');
    graph.holdMedia('111', { bytes, mimeType: 'image/jpeg' });
    const receipt = await receiveImage('wamid.m-1', '111');
    await startFetcher().whenIdle(receipt.position);
    expect(await mediaEvents()).toEqual([
      {
        type: 'InboundMediaStored',
        data: expect.objectContaining({
          mediaId: '111',
          sha256: sha256(bytes),
          sizeBytes: bytes.length,
          mimeType: 'image/jpeg',
        }),
      },
    ]);
    await fetcher!.stop();

    // A new fetcher, as after a restart: the message's state says stored, so nothing is fetched again.
    const again = await receiveImage('wamid.m-1', '111');
    await startFetcher().whenIdle(again.position);
    expect(graph.mediaDownloads('111')).toHaveLength(1);
    expect(graph.mediaLookups).toHaveLength(1);
    expect(storedFiles()).toHaveLength(1);
  });

  it('a restart during a retry resumes it, and downloads nothing stored before', async () => {
    graph.holdMedia('661', { bytes: Buffer.from('first'), mimeType: 'image/jpeg' });
    graph.holdMedia('662', { bytes: Buffer.from('second'), mimeType: 'image/jpeg' });
    // The clock stands still for the first fetcher: a retry stays due later, until the fetcher stops.
    timers = new VirtualTimers(world.clock, false);
    const first = await receiveImage('wamid.r-1', '661');
    await startFetcher().whenIdle(first.position);
    graph.scriptMediaLookups(graphErrors.serverError(503));
    const second = await receiveImage('wamid.r-2', '662');
    while (!(await mediaEvents()).some((event) => event.type === 'InboundMediaFetchFailed')) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await fetcher!.stop();
    timers = new VirtualTimers(world.clock);
    await startFetcher().whenIdle(second.position);
    expect((await mediaEvents()).map((event) => event.type)).toEqual([
      'InboundMediaStored',
      'InboundMediaFetchFailed',
      'InboundMediaStored',
    ]);
    expect(graph.mediaDownloads('661')).toHaveLength(1);
    expect(graph.mediaDownloads('662')).toHaveLength(1);
  });

  it("keeps nothing and records a final failure when the bytes do not match Meta's sha256", async () => {
    graph.holdMedia('222', { bytes: Buffer.from('tampered'), mimeType: 'image/jpeg', sha256: 'ab'.repeat(32) });
    const receipt = await receiveImage('wamid.m-2', '222');
    await startFetcher().whenIdle(receipt.position);
    expect(await mediaEvents()).toEqual([
      {
        type: 'InboundMediaFetchFailed',
        data: expect.objectContaining({ attempt: 1, final: true, reason: expect.stringMatching(/SHA-256/) }),
      },
    ]);
    expect(storedFiles()).toHaveLength(0);
  });

  it('stops reading an oversize download at the bound, keeps nothing and records it', async () => {
    graph.holdMedia('333', { bytes: Buffer.alloc(64 * 1024, 7), mimeType: 'image/jpeg' });
    // Meta's file_size says small, the bytes say otherwise: the bound is enforced while reading.
    graph.scriptMediaLookups({
      kind: 'json',
      httpStatus: 200,
      body: {
        url: `${graph.baseUrl}/media-download/333`,
        mime_type: 'image/jpeg',
        sha256: 'cd'.repeat(32),
        file_size: 10,
        id: '333',
      },
    });
    const receipt = await receiveImage('wamid.m-3', '333');
    await startFetcher({ maxBytes: 1024 }).whenIdle(receipt.position);
    expect(await mediaEvents()).toEqual([
      {
        type: 'InboundMediaFetchFailed',
        data: expect.objectContaining({ final: true, reason: expect.stringMatching(/larger than 1024/) }),
      },
    ]);
    expect(storedFiles()).toHaveLength(0);
  });

  it("retries with backoff while Meta's media endpoint fails, then gives up visibly", async () => {
    graph.holdMedia('444', { bytes: Buffer.from('never reached'), mimeType: 'image/jpeg' });
    graph.scriptMediaLookups(...Array.from({ length: 6 }, () => graphErrors.serverError(500)));
    const receipt = await receiveImage('wamid.m-4', '444');
    await startFetcher().whenIdle(receipt.position);
    const events = await mediaEvents();
    expect(
      events.map(({ data }) => [(data as { attempt: number }).attempt, (data as { final: boolean }).final]),
    ).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
      [6, true],
    ]);
    // Full jitter at 0.5 of 1, 2, 4, 8, 16 s.
    expect(timers.delays.filter((ms) => ms > 0)).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
    expect(graph.mediaDownloads('444')).toHaveLength(0);
  });

  it('recovers when Meta fails once, then stores', async () => {
    const bytes = Buffer.from('second time lucky');
    graph.holdMedia('555', { bytes, mimeType: 'image/jpeg' });
    graph.scriptMediaDownloads(graphErrors.serverError(503));
    const receipt = await receiveImage('wamid.m-5', '555');
    await startFetcher().whenIdle(receipt.position);
    expect((await mediaEvents()).map((event) => event.type)).toEqual(['InboundMediaFetchFailed', 'InboundMediaStored']);
    expect(storedFiles()).toHaveLength(1);
  });

  describe('quarantine', () => {
    const bytes = Buffer.from('a picture nobody may see');

    it('deletes the stored bytes when the message is quarantined', async () => {
      graph.holdMedia('771', { bytes, mimeType: 'image/jpeg' });
      const receipt = await receiveImage('wamid.q-1', '771');
      await startFetcher().whenIdle(receipt.position);
      expect(storedFiles()).toHaveLength(1);
      const quarantine = await quarantineLatest();
      await fetcher!.whenIdle(quarantine.position);
      expect(storedFiles()).toHaveLength(0);
      expect(
        await new FilesystemMediaStore(mediaDir).open(mediaStorageKey(conversationOf(), quarantine.messageId)),
      ).toBeNull();
    });

    it('deletes them after a restart when the fetcher was down (or crashed) as the quarantine was recorded', async () => {
      graph.holdMedia('774', { bytes, mimeType: 'image/jpeg' });
      const receipt = await receiveImage('wamid.q-4', '774');
      await startFetcher().whenIdle(receipt.position);
      await fetcher!.stop();
      const quarantine = await quarantineLatest();
      expect(storedFiles()).toHaveLength(1);
      await startFetcher().whenIdle(quarantine.position);
      expect(storedFiles()).toHaveLength(0);
      expect(graph.mediaDownloads('774')).toHaveLength(1);
    });

    it('never downloads the media of a message quarantined first, and deletes bytes a crash left behind', async () => {
      graph.holdMedia('772', { bytes, mimeType: 'image/jpeg' });
      const receipt = await receiveImage('wamid.q-2', '772');
      const quarantine = await quarantineLatest();
      // As if a fetcher had written the file, then crashed before recording it.
      const key = mediaStorageKey(conversationOf(), quarantine.messageId);
      await new FilesystemMediaStore(mediaDir).put(
        key,
        (async function* () {
          yield bytes;
        })(),
        { maxBytes: 1_000 },
      );
      expect(storedFiles()).toHaveLength(1);
      await startFetcher().whenIdle(quarantine.position);
      expect(receipt.position.commit).toBeLessThan(quarantine.position.commit);
      expect(storedFiles()).toHaveLength(0);
      expect(graph.mediaLookups).toHaveLength(0);
      expect(graph.mediaDownloads('772')).toHaveLength(0);
    });

    it('deletes the bytes of a download that was under way when the message was quarantined', async () => {
      graph.holdMedia('773', { bytes, mimeType: 'image/jpeg' });
      graph.scriptMediaDownloads({ kind: 'hang' });
      await receiveImage('wamid.q-3', '773');
      startFetcher();
      await graph.whenReceived(2); // the lookup, then the download, which hangs
      const quarantine = await quarantineLatest();
      graph.releaseHung({ kind: 'bytes', httpStatus: 200, body: bytes, contentType: 'image/jpeg' });
      await fetcher!.whenIdle(quarantine.position);
      expect((await mediaEvents()).map((event) => event.type)).toEqual(['InboundMediaStored']);
      expect(storedFiles()).toHaveLength(0);
    });
  });
});
