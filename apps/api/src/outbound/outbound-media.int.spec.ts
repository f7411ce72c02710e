import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type OutboundMedia,
  type OutboundMediaKind,
  conversationStreamName,
  outboundMediaLimit,
} from '@helpdesk/domain';
import { FilesystemMediaStore } from '@helpdesk/media-store';
import { graphErrors } from '@helpdesk/fake-graph-api';
import {
  DAY,
  agent,
  conversationOf,
  later,
  portalId,
  refusalOf,
} from '@helpdesk/commands/conversation/conversation.test-world.js';
import {
  ReplyToContactCommand,
  ReplyToContactHandler,
} from '@helpdesk/commands/conversation/reply-to-contact.handler.js';
import { QuotaGate } from '@helpdesk/commands/quota/quota-gate.js';
import { type MediaUpload, MediaUploads } from '../media/media-uploads.js';
import { type OutboundWorld, contacts, firstMessageAt, openOutboundWorld } from './outbound.test-world.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR parcel')]);
const PDF = Buffer.from('%PDF-1.7\n% an invoice\n%%EOF\n');
/** A message whose first attempt failed and was retried, then taken by Meta. */
const SENT_AT_THE_SECOND_ATTEMPT = [
  'ReplyAccepted',
  'OutboundSendAttempted',
  'OutboundRetryScheduled',
  'OutboundSendAttempted',
  'OutboundWamidRecorded',
];

async function* bytesOf(buffer: Buffer): AsyncIterable<Uint8Array> {
  yield buffer;
}

describe("Replies with an agent's upload: checked, recorded, uploaded to Meta, sent by Meta's id", () => {
  let outbound: OutboundWorld;
  let mediaDir: string;
  let media: FilesystemMediaStore;
  let uploads: MediaUploads;

  beforeEach(async () => {
    outbound = await openOutboundWorld();
    mediaDir = mkdtempSync(join(tmpdir(), 'outbound-media-'));
    media = new FilesystemMediaStore(mediaDir);
    uploads = new MediaUploads(media, { ttlMs: DAY, maxPendingPerPortal: 100 });
  });

  afterEach(async () => {
    await outbound.close();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  function upload(kind: OutboundMediaKind, mimeType: string, bytes: Buffer, fileName: string | null = null) {
    const limit = outboundMediaLimit(kind, mimeType);
    const request = { portalId, userId: 'agent-1', limit, mimeType, fileName, declaredBytes: bytes.length };
    return uploads.accept({ ...request, now: outbound.world.clock.now() }, bytesOf(bytes));
  }

  function attachment(kept: MediaUpload, extra: Partial<OutboundMedia> = {}): OutboundMedia {
    const { kind, mimeType, sizeBytes, uploadId, storageKey, sha256 } = kept;
    return { kind, mimeType, sizeBytes, upload: { uploadId, storageKey, sha256 }, ...extra };
  }

  /** Through the reply handler as the API wires it: the upload is claimed from the files. */
  async function replyWith(content: OutboundMedia) {
    const { store, clock } = outbound.world;
    const replies = new ReplyToContactHandler(store, clock, new QuotaGate(store), uploads);
    return replies.execute(new ReplyToContactCommand(agent(), conversationOf(contacts[0]), content));
  }

  async function send(content: OutboundMedia) {
    const dispatcher = outbound.startDispatcher({ media });
    const receipt = await replyWith(content);
    await dispatcher.whenIdle(receipt.position);
    return receipt.messageId;
  }

  it("records the upload's reference (not a Meta id), uploads the bytes, then sends the image by the id Meta gave", async () => {
    const kept = await upload('image', 'image/png', PNG);
    const messageId = await send(attachment(kept, { caption: 'The parcel as it left' }));

    const accepted = (await outbound.eventsOf(messageId)).find((event) => event.type === 'ReplyAccepted')!;
    expect((accepted.data as { content: unknown }).content).toEqual({
      kind: 'image',
      mimeType: 'image/png',
      sizeBytes: PNG.length,
      caption: 'The parcel as it left',
      upload: { uploadId: kept.uploadId, storageKey: kept.storageKey, sha256: kept.sha256 },
    });
    expect(outbound.graph.mediaUploads).toHaveLength(1);
    expect(outbound.graph.mediaUploads[0].phoneNumberId).toBe(outbound.graph.messageRequests[0].phoneNumberId);
    const [sent] = outbound.graph.requestsFor(messageId);
    const { id } = (sent.body as { image: { id: string } }).image;
    expect(outbound.graph.uploadedMedia(id)).toMatchObject({ bytes: PNG, mimeType: 'image/png' });
    expect(sent.body).toMatchObject({ type: 'image', image: { id, caption: 'The parcel as it left' } });
    expect(await outbound.typesOf(messageId)).toEqual([
      'ReplyAccepted',
      'OutboundSendAttempted',
      'OutboundWamidRecorded',
    ]);
  });

  it("keeps a document's file name and caption, up to Meta", async () => {
    const kept = await upload('document', 'application/pdf', PDF, 'invoice-2025-03.pdf');
    const messageId = await send(attachment(kept, { caption: 'Your invoice', filename: 'invoice-2025-03.pdf' }));

    const [sent] = outbound.graph.requestsFor(messageId);
    expect(sent.body).toMatchObject({
      type: 'document',
      document: { caption: 'Your invoice', filename: 'invoice-2025-03.pdf' },
    });
    const { id } = (sent.body as { document: { id: string } }).document;
    expect(outbound.graph.uploadedMedia(id)).toMatchObject({ bytes: PDF, fileName: 'invoice-2025-03.pdf' });
  });

  it('retries an upload Meta failed (503) with the backoff, then sends the message once', async () => {
    outbound.graph.scriptMediaUploads(graphErrors.serverError(503));
    const kept = await upload('image', 'image/png', PNG);
    const messageId = await send(attachment(kept));

    expect(await outbound.typesOf(messageId)).toEqual(SENT_AT_THE_SECOND_ATTEMPT);
    expect(outbound.graph.mediaUploads).toHaveLength(2);
    expect(outbound.graph.requestsFor(messageId)).toHaveLength(1);
  });

  it('sends the media uploaded once by its id when Meta failed the send (503) after the upload', async () => {
    outbound.graph.script(graphErrors.serverError(503));
    const kept = await upload('image', 'image/png', PNG);
    const messageId = await send(attachment(kept));

    expect(await outbound.typesOf(messageId)).toEqual(SENT_AT_THE_SECOND_ATTEMPT);
    expect(outbound.graph.mediaUploads).toHaveLength(1);
    const [first, retry] = outbound.graph.requestsFor(messageId);
    const { id } = (first.body as { image: { id: string } }).image;
    expect(retry.body).toMatchObject({ type: 'image', image: { id } });
    const scheduled = (await outbound.eventsOf(messageId)).find((event) => event.type === 'OutboundRetryScheduled');
    expect(scheduled?.data).toMatchObject({ metaMediaId: id });
  });

  it('uploads again when the send by the earlier id failed too: that id may be what Meta refuses', async () => {
    outbound.graph.script(graphErrors.serverError(503), graphErrors.serverError(503));
    const kept = await upload('image', 'image/png', PNG);
    const messageId = await send(attachment(kept));

    expect(outbound.graph.mediaUploads).toHaveLength(2);
    const ids = outbound.graph
      .requestsFor(messageId)
      .map((request) => (request.body as { image: { id: string } }).image.id);
    expect(ids).toHaveLength(3);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it("fails the message with Meta's error when Meta refuses the upload, sending nothing", async () => {
    outbound.graph.scriptMediaUploads(graphErrors.invalidParameter('Param file is not a valid image'));
    const kept = await upload('image', 'image/png', PNG);
    const messageId = await send(attachment(kept));

    const failed = (await outbound.eventsOf(messageId)).filter((event) => event.type === 'OutboundMessageFailed');
    expect(failed.map((event) => event.data)).toEqual([
      expect.objectContaining({ code: 100, httpStatus: 400, message: 'Param file is not a valid image' }),
    ]);
    expect(outbound.graph.requestsFor(messageId)).toHaveLength(0);
  });

  it('refuses an attachment once the session closed: nothing recorded, the upload kept for a later template', async () => {
    const kept = await upload('image', 'image/png', PNG);
    const before = await outbound.world.eventsOf(conversationStreamName(conversationOf(contacts[0])));
    outbound.world.clock.set(later(firstMessageAt, DAY));

    expect((await refusalOf(replyWith(attachment(kept)))).code).toBe('SESSION_CLOSED');
    const after = await outbound.world.eventsOf(conversationStreamName(conversationOf(contacts[0])));
    expect(after.filter((event) => event.type === 'ReplyAccepted')).toHaveLength(
      before.filter((event) => event.type === 'ReplyAccepted').length,
    );
    expect(await uploads.find(portalId, kept.uploadId, outbound.world.clock.now())).toMatchObject({
      sizeBytes: PNG.length,
    });
  });

  it('refuses, before recording, an upload too large for its kind, with the limit', async () => {
    const kept = await upload('image', 'image/png', PNG);
    const error = await refusalOf(replyWith({ ...attachment(kept), sizeBytes: 5 * 1024 * 1024 + 1 }));
    expect(error.code).toBe('MEDIA_TOO_LARGE');
    expect(error.details).toMatchObject({ maxBytes: 5 * 1024 * 1024, limit: '5 MB' });
  });
});
