import { createHash, randomBytes } from 'node:crypto';
import type { MediaUploadsConfig } from '@helpdesk/config';
import {
  DomainError,
  type MediaUploadReference,
  type OutboundMediaKind,
  type OutboundMediaLimit,
} from '@helpdesk/domain';
import { type MediaStore, MediaTooLargeError } from '@helpdesk/media-store';
import type { UploadClaims } from '@helpdesk/commands/conversation/upload-claims.js';
import { SIGNATURE_BYTES, looksLike } from './media-magic-bytes.js';

/** An agent's file, kept until it is sent: what the reply records and the dispatcher uploads to Meta. */
export interface MediaUpload extends MediaUploadReference {
  readonly portalId: string;
  readonly kind: OutboundMediaKind;
  readonly mimeType: string;
  readonly sizeBytes: number;
  readonly fileName: string | null;
  readonly uploadedAt: string;
  readonly uploadedBy: string;
  /**
   * Past this, an upload no reply claimed is not found, and a sweep deletes it. Absent from uploads
   * kept before uploads expired: those are never swept.
   */
  readonly expiresAt?: string;
  /** When a reply first claimed it: kept for good from then on (the thread shows it). */
  readonly claimedAt?: string;
}

export interface UploadRequest {
  readonly portalId: string;
  readonly userId: string;
  readonly limit: OutboundMediaLimit;
  readonly mimeType: string;
  readonly fileName: string | null;
  /** The Content-Length, when given: the bytes must not exceed it either. */
  readonly declaredBytes: number | null;
  readonly now: Date;
}

/** The bytes are not what their declared type says (checked on the first bytes). */
export class MediaSignatureMismatchError extends Error {
  constructor(readonly mimeType: string) {
    super(`The file is not ${mimeType}: its first bytes do not match that format`);
    this.name = 'MediaSignatureMismatchError';
  }
}

/** The portal holds MEDIA_UPLOAD_MAX_PENDING uploads not yet sent: nothing was read. */
export class TooManyPendingUploadsError extends Error {
  constructor(readonly maxPending: number) {
    super(`The portal holds ${maxPending} uploads not yet sent: send them, or wait for them to expire`);
    this.name = 'TooManyPendingUploadsError';
  }
}

/** What a sweep did. */
export interface UploadSweep {
  /** Uploads no reply claimed before they expired: deleted, bytes and description. */
  readonly swept: number;
  readonly bytesFreed: number;
  /** Uploads a reply claimed (their expiry marker was left by a crash): only the marker deleted. */
  readonly claimed: number;
  /** Uploads not yet expired (or within the grace after it). */
  readonly pending: number;
}

export { MediaTooLargeError };

const UPLOAD_ID = /^[A-Za-z0-9_-]{22}$/;
/** The metadata file is a few hundred bytes; anything larger is not ours. */
const MAX_METADATA_BYTES = 8 * 1024;

/** Under this prefix, one marker per upload not yet claimed, holding when it expires: what a sweep walks. */
export const UPLOAD_EXPIRY_PREFIX = 'upload-expiry';
/**
 * A sweep deletes an upload this long after it expired, not at once: a claim checks the expiry and
 * then writes, and must have written before the sweep reads (an hour covers a stalled process and
 * clocks apart between instances).
 */
export const SWEEP_GRACE_MS = 3_600_000;

/**
 * Uploads in the media store, under a key made of a hash of the portal and a random id: another
 * portal's upload id names a key that does not exist, so it answers exactly like an unknown one.
 * An expiry marker is written first, then the bytes, then a small JSON file that says what they
 * are; an upload without that file (a crash before it) is not found, and its marker lets a sweep
 * delete what was written. A reply claims its upload (UploadClaims) before it is recorded: the
 * upload is kept for good and its marker deleted. An upload nobody claimed expires
 * (MEDIA_UPLOAD_TTL_HOURS): it is not found from then on, and a sweep deletes it.
 */
export class MediaUploads implements UploadClaims {
  private readonly underWay = new Set<Promise<unknown>>();
  /** Per portal, the last upload counting its pending ones and writing its marker. */
  private readonly marking = new Map<string, Promise<void>>();

  constructor(
    private readonly media: MediaStore,
    private readonly config: MediaUploadsConfig,
  ) {}

  accept(request: UploadRequest, body: AsyncIterable<Uint8Array>): Promise<MediaUpload> {
    const accepting = this.keep(request, body);
    const settled = accepting.catch(() => undefined).finally(() => this.underWay.delete(settled));
    this.underWay.add(settled);
    return accepting;
  }

  /** Resolves once every upload under way was kept or given up (its partial file removed). */
  async idle(): Promise<void> {
    while (this.underWay.size > 0) await Promise.all(this.underWay);
  }

  private async keep(request: UploadRequest, body: AsyncIterable<Uint8Array>): Promise<MediaUpload> {
    const uploadId = randomBytes(16).toString('base64url');
    const storageKey = uploadStorageKey(request.portalId, uploadId);
    const marker = expiryMarkerKey(storageKey);
    const expiresAt = new Date(request.now.getTime() + this.config.ttlMs).toISOString();
    await this.markPending(request.portalId, marker, expiresAt);
    const maxBytes = Math.min(request.limit.maxBytes, request.declaredBytes ?? Infinity);
    let stored;
    try {
      stored = await this.media.put(storageKey, checkedSignature(body, request.mimeType), { maxBytes });
    } catch (error) {
      // Nothing was kept: neither is the marker (a sweep would delete it, later).
      await this.media.delete(marker).catch(() => undefined);
      throw error;
    }
    const { sha256, sizeBytes } = stored;
    const upload: MediaUpload = {
      uploadId,
      storageKey,
      sha256,
      portalId: request.portalId,
      kind: request.limit.kind,
      mimeType: request.mimeType,
      sizeBytes,
      fileName: request.fileName,
      uploadedAt: request.now.toISOString(),
      uploadedBy: request.userId,
      expiresAt,
    };
    await this.putJson(metadataKey(storageKey), upload);
    return upload;
  }

  /**
   * The portal's upload, or null: an unknown id, another portal's, a malformed one and one expired
   * unclaimed alike.
   */
  async find(portalId: string, uploadId: string, now: Date): Promise<MediaUpload | null> {
    if (!UPLOAD_ID.test(uploadId)) return null;
    const upload = await this.readJson<MediaUpload>(metadataKey(uploadStorageKey(portalId, uploadId)));
    if (!upload || upload.portalId !== portalId || upload.uploadId !== uploadId) return null;
    return expired(upload, now) ? null : upload;
  }

  /** Keeps the upload for good, before a reply records it; MEDIA_UPLOAD_NOT_FOUND when it is gone or expired. */
  async claim(portalId: string, reference: MediaUploadReference, now: Date): Promise<void> {
    const upload = await this.find(portalId, reference.uploadId, now);
    if (!upload || upload.storageKey !== reference.storageKey || upload.sha256 !== reference.sha256) {
      throw new DomainError('MEDIA_UPLOAD_NOT_FOUND', `The upload ${reference.uploadId} is gone: upload it again`, {
        uploadId: reference.uploadId,
      });
    }
    if (upload.claimedAt === undefined) {
      await this.putJson(metadataKey(upload.storageKey), { ...upload, claimedAt: now.toISOString() });
    }
    await this.media.delete(expiryMarkerKey(upload.storageKey));
  }

  /**
   * Deletes every upload no reply claimed within its time, SWEEP_GRACE_MS after it expired: its
   * description first (so that it is not found), then its bytes, then its marker. Walks the
   * markers one at a time, so its memory does not grow with them.
   */
  async sweep(now: Date): Promise<UploadSweep> {
    let swept = 0;
    let bytesFreed = 0;
    let claimed = 0;
    let pending = 0;
    for await (const marker of this.media.list(UPLOAD_EXPIRY_PREFIX)) {
      const storageKey = storageKeyOfMarker(marker);
      let upload: MediaUpload | null | undefined;
      let expiresAt = instantOf((await this.readJson<{ expiresAt?: unknown }>(marker))?.expiresAt);
      // A marker not ours to read: the upload's description says when it expires; with neither, it is debris.
      if (Number.isNaN(expiresAt)) {
        upload = await this.readJson<MediaUpload>(metadataKey(storageKey));
        expiresAt = instantOf(upload?.expiresAt);
      }
      if (now.getTime() < expiresAt + SWEEP_GRACE_MS) {
        pending++;
        continue;
      }
      upload ??= await this.readJson<MediaUpload>(metadataKey(storageKey));
      if (upload?.claimedAt !== undefined) {
        claimed++;
      } else {
        await this.media.delete(metadataKey(storageKey));
        await this.media.delete(storageKey);
        swept++;
        bytesFreed += typeof upload?.sizeBytes === 'number' ? upload.sizeBytes : 0;
      }
      await this.media.delete(marker);
    }
    return { swept, bytesFreed, claimed, pending };
  }

  /**
   * Writes the upload's marker unless the portal holds maxPendingPerPortal already: its markers are
   * counted no further than the bound. One portal's uploads count and mark one at a time in this
   * process, so uploads at once cannot all pass on the same count (instances sharing the directory
   * still may, by a few).
   */
  private markPending(portalId: string, marker: string, expiresAt: string): Promise<void> {
    const previous = this.marking.get(portalId) ?? Promise.resolve();
    const marked = previous.then(async () => {
      const { maxPendingPerPortal } = this.config;
      let pending = 0;
      for await (const _marker of this.media.list(`${UPLOAD_EXPIRY_PREFIX}/${portalKey(portalId)}`)) {
        if (++pending >= maxPendingPerPortal) throw new TooManyPendingUploadsError(maxPendingPerPortal);
      }
      await this.putJson(marker, { expiresAt });
    });
    const settled = marked.catch(() => undefined);
    this.marking.set(portalId, settled);
    void settled.then(() => {
      if (this.marking.get(portalId) === settled) this.marking.delete(portalId);
    });
    return marked;
  }

  private async putJson(key: string, value: object): Promise<void> {
    await this.media.put(key, oneChunk(Buffer.from(JSON.stringify(value))), { maxBytes: MAX_METADATA_BYTES });
  }

  /** The JSON kept under the key; null when there is none, or it is not ours (too large, not JSON). */
  private async readJson<T>(key: string): Promise<T | null> {
    const opened = await this.media.open(key);
    if (!opened || opened.sizeBytes > MAX_METADATA_BYTES) {
      opened?.stream.destroy();
      return null;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
    } catch {
      return null;
    }
  }
}

/** An ISO instant as milliseconds; NaN for anything else. */
function instantOf(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

function expired(upload: MediaUpload, now: Date): boolean {
  return (
    upload.claimedAt === undefined && upload.expiresAt !== undefined && now.getTime() > Date.parse(upload.expiresAt)
  );
}

const UPLOADS_PREFIX = 'uploads';

export function uploadStorageKey(portalId: string, uploadId: string): string {
  return `${UPLOADS_PREFIX}/${portalKey(portalId)}/${uploadId}`;
}

function portalKey(portalId: string): string {
  return createHash('sha256').update(portalId).digest('hex').slice(0, 32);
}

/** `uploads/<portal>/<id>` → `upload-expiry/<portal>/<id>`. */
function expiryMarkerKey(storageKey: string): string {
  return `${UPLOAD_EXPIRY_PREFIX}${storageKey.slice(UPLOADS_PREFIX.length)}`;
}

function storageKeyOfMarker(marker: string): string {
  return `${UPLOADS_PREFIX}${marker.slice(UPLOAD_EXPIRY_PREFIX.length)}`;
}

function metadataKey(storageKey: string): string {
  return `${storageKey}-meta`;
}

async function* oneChunk(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** Passes the bytes on once the first ones match the declared type; throws before keeping any otherwise. */
async function* checkedSignature(body: AsyncIterable<Uint8Array>, mimeType: string): AsyncIterable<Uint8Array> {
  let head: Buffer | null = Buffer.alloc(0);
  for await (const chunk of body) {
    if (head === null) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < SIGNATURE_BYTES) continue;
    if (!looksLike(mimeType, head)) throw new MediaSignatureMismatchError(mimeType);
    yield head;
    head = null;
  }
  if (head !== null) {
    if (head.length === 0 || !looksLike(mimeType, head)) throw new MediaSignatureMismatchError(mimeType);
    yield head;
  }
}
