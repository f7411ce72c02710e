import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, outboundMediaLimit } from '@helpdesk/domain';
import { FilesystemMediaStore } from '@helpdesk/media-store';
import {
  type MediaUpload,
  MediaUploads,
  SWEEP_GRACE_MS,
  TooManyPendingUploadsError,
  UPLOAD_EXPIRY_PREFIX,
} from './media-uploads.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR parcel')]);
const HOUR = 3_600_000;
const TTL = 24 * HOUR;
const uploadedAt = new Date('2026-03-10T09:00:00.000Z');
const at = (ms: number) => new Date(uploadedAt.getTime() + ms);

async function* bytesOf(buffer: Buffer): AsyncIterable<Uint8Array> {
  yield buffer;
}

describe('Uploads: expiry, claims and sweeps, on the filesystem store', () => {
  let dir: string;
  let uploads: MediaUploads;
  const files = () =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
      .sort();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'media-uploads-'));
    uploads = new MediaUploads(new FilesystemMediaStore(dir), { ttlMs: TTL, maxPendingPerPortal: 3 });
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function upload(portalId = 'acme', bytes = PNG, now = uploadedAt): Promise<MediaUpload> {
    const limit = outboundMediaLimit('image', 'image/png');
    const request = { portalId, userId: 'agent-1', limit, mimeType: 'image/png', fileName: null, declaredBytes: null };
    return uploads.accept({ ...request, now }, bytesOf(bytes));
  }

  const reference = ({ uploadId, storageKey, sha256 }: MediaUpload) => ({ uploadId, storageKey, sha256 });
  const claimError = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (thrown: unknown) => thrown,
    );
    return error instanceof DomainError ? error.code : error;
  };

  it('keeps an upload with its expiry and a marker; finds it until it expires, not after', async () => {
    const kept = await upload();
    expect(kept.expiresAt).toBe(at(TTL).toISOString());
    expect(files()).toEqual([
      `${UPLOAD_EXPIRY_PREFIX}/${kept.storageKey.split('/')[1]}/${kept.uploadId}`,
      kept.storageKey,
      `${kept.storageKey}-meta`,
    ]);
    expect(await uploads.find('acme', kept.uploadId, at(TTL))).toMatchObject({ uploadId: kept.uploadId });
    expect(await uploads.find('acme', kept.uploadId, at(TTL + 1))).toBeNull();
  });

  it('claims an upload for good: found after its expiry, its marker gone, never swept', async () => {
    const kept = await upload();
    await uploads.claim('acme', reference(kept), at(HOUR));
    expect(files()).toEqual([kept.storageKey, `${kept.storageKey}-meta`]);
    expect(await uploads.find('acme', kept.uploadId, at(30 * TTL))).toMatchObject({
      claimedAt: at(HOUR).toISOString(),
    });
    // Claimed again by a second reply: still the first claim's time.
    await uploads.claim('acme', reference(kept), at(2 * HOUR));
    expect((await uploads.find('acme', kept.uploadId, at(3 * HOUR)))?.claimedAt).toBe(at(HOUR).toISOString());
    expect(await uploads.sweep(at(30 * TTL))).toEqual({ swept: 0, bytesFreed: 0, claimed: 0, pending: 0 });
    expect(files()).toEqual([kept.storageKey, `${kept.storageKey}-meta`]);
  });

  it('refuses to claim an upload expired, unknown, another portal’s, or named with other bytes', async () => {
    const kept = await upload();
    expect(await claimError(uploads.claim('acme', reference(kept), at(TTL + 1)))).toBe('MEDIA_UPLOAD_NOT_FOUND');
    expect(await claimError(uploads.claim('globex', reference(kept), at(HOUR)))).toBe('MEDIA_UPLOAD_NOT_FOUND');
    const unknown = { ...reference(kept), uploadId: 'A'.repeat(22) };
    expect(await claimError(uploads.claim('acme', unknown, at(HOUR)))).toBe('MEDIA_UPLOAD_NOT_FOUND');
    const otherBytes = { ...reference(kept), sha256: '0'.repeat(64) };
    expect(await claimError(uploads.claim('acme', otherBytes, at(HOUR)))).toBe('MEDIA_UPLOAD_NOT_FOUND');
    expect(await uploads.find('acme', kept.uploadId, at(HOUR))).not.toHaveProperty('claimedAt');
  });

  it('sweeps an unclaimed upload only once its grace after the expiry passed: bytes, description and marker', async () => {
    const unsent = await upload();
    const sent = await upload();
    await uploads.claim('acme', reference(sent), at(HOUR));

    expect(await uploads.sweep(at(TTL + SWEEP_GRACE_MS - 1))).toEqual({
      swept: 0,
      bytesFreed: 0,
      claimed: 0,
      pending: 1,
    });
    expect(files()).toContain(unsent.storageKey);

    expect(await uploads.sweep(at(TTL + SWEEP_GRACE_MS))).toEqual({
      swept: 1,
      bytesFreed: PNG.length,
      claimed: 0,
      pending: 0,
    });
    expect(files()).toEqual([sent.storageKey, `${sent.storageKey}-meta`]);
    expect(await uploads.sweep(at(TTL + SWEEP_GRACE_MS))).toEqual({ swept: 0, bytesFreed: 0, claimed: 0, pending: 0 });
  });

  it('deletes only the marker of a claimed upload whose marker a crash left behind', async () => {
    const kept = await upload();
    const store = new FilesystemMediaStore(dir);
    // A claim as a crash leaves it: described as claimed, its marker not yet deleted.
    const described = await uploads.find('acme', kept.uploadId, at(HOUR));
    const claimed = Buffer.from(JSON.stringify({ ...described, claimedAt: at(HOUR).toISOString() }));
    await store.put(`${kept.storageKey}-meta`, bytesOf(claimed), { maxBytes: 8192 });

    expect(await uploads.sweep(at(TTL + SWEEP_GRACE_MS))).toEqual({ swept: 0, bytesFreed: 0, claimed: 1, pending: 0 });
    expect(files()).toEqual([kept.storageKey, `${kept.storageKey}-meta`]);
  });

  it('judges a marker it cannot read by the upload it names: kept until that upload expired, then swept', async () => {
    const kept = await upload();
    const store = new FilesystemMediaStore(dir);
    const marker = `${UPLOAD_EXPIRY_PREFIX}/${kept.storageKey.split('/')[1]}/${kept.uploadId}`;
    await store.put(marker, bytesOf(Buffer.from('not json')), { maxBytes: 8192 });

    expect(await uploads.sweep(at(HOUR))).toEqual({ swept: 0, bytesFreed: 0, claimed: 0, pending: 1 });
    expect(await uploads.find('acme', kept.uploadId, at(HOUR))).toMatchObject({ uploadId: kept.uploadId });
    expect(await uploads.sweep(at(TTL + SWEEP_GRACE_MS))).toMatchObject({ swept: 1, bytesFreed: PNG.length });
    expect(files()).toEqual([]);
  });

  it('sweeps what a crash left before the description was written: the bytes and the marker', async () => {
    const kept = await upload();
    await new FilesystemMediaStore(dir).delete(`${kept.storageKey}-meta`);
    expect(await uploads.sweep(at(TTL + SWEEP_GRACE_MS))).toMatchObject({ swept: 1, bytesFreed: 0 });
    expect(files()).toEqual([]);
  });

  it('keeps nothing, not even the marker, when the bytes are refused', async () => {
    const limit = outboundMediaLimit('image', 'image/png');
    const request = { portalId: 'acme', userId: 'agent-1', limit, mimeType: 'image/png', fileName: null };
    await expect(
      uploads.accept({ ...request, declaredBytes: null, now: uploadedAt }, bytesOf(Buffer.from('not a png'))),
    ).rejects.toThrow(/first bytes/);
    await expect(uploads.accept({ ...request, declaredBytes: 3, now: uploadedAt }, bytesOf(PNG))).rejects.toThrow(
      /larger than 3 bytes/,
    );
    expect(files()).toEqual([]);
  });

  it('refuses a portal past its pending uploads, before reading a byte; others, and a claim, make room', async () => {
    const first = await upload();
    await upload();
    await upload();
    let pulled = false;
    async function* watched(): AsyncIterable<Uint8Array> {
      pulled = true;
      yield PNG;
    }
    const limit = outboundMediaLimit('image', 'image/png');
    const request = { portalId: 'acme', userId: 'agent-1', limit, mimeType: 'image/png', fileName: null };
    const refusal = uploads.accept({ ...request, declaredBytes: null, now: uploadedAt }, watched());
    await expect(refusal).rejects.toBeInstanceOf(TooManyPendingUploadsError);
    expect(pulled).toBe(false);

    await expect(upload('globex')).resolves.toMatchObject({ portalId: 'globex' });
    await uploads.claim('acme', reference(first), at(HOUR));
    await expect(upload()).resolves.toMatchObject({ portalId: 'acme' });
  });

  it('never expires nor sweeps an upload kept before uploads expired (no expiry, no marker)', async () => {
    const kept = await upload();
    const store = new FilesystemMediaStore(dir);
    const { expiresAt: _expiresAt, ...before } = (await uploads.find('acme', kept.uploadId, uploadedAt))!;
    await store.put(`${kept.storageKey}-meta`, bytesOf(Buffer.from(JSON.stringify(before))), { maxBytes: 8192 });
    await store.delete(`${UPLOAD_EXPIRY_PREFIX}/${kept.storageKey.split('/')[1]}/${kept.uploadId}`);

    expect(await uploads.sweep(at(365 * TTL))).toEqual({ swept: 0, bytesFreed: 0, claimed: 0, pending: 0 });
    expect(await uploads.find('acme', kept.uploadId, at(365 * TTL))).toMatchObject({ uploadId: kept.uploadId });
  });

  it('lets uploads made at once pass the pending bound no further than it', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => upload()));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
    for (const result of results.filter((candidate) => candidate.status === 'rejected'))
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(TooManyPendingUploadsError);
    expect(files().filter((file) => file.startsWith(UPLOAD_EXPIRY_PREFIX))).toHaveLength(3);
  });
});
