import { createHash, randomBytes } from 'node:crypto';
import type { MediaUploadReference, OutboundMediaKind, OutboundMediaLimit } from '@helpdesk/domain';
import { type MediaStore, MediaTooLargeError } from '@helpdesk/media-store';
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

export { MediaTooLargeError };

const UPLOAD_ID = /^[A-Za-z0-9_-]{22}$/;
/** The metadata file is a few hundred bytes; anything larger is not ours. */
const MAX_METADATA_BYTES = 8 * 1024;

/**
 * Uploads in the media store, under a key made of a hash of the portal and a random id: another
 * portal's upload id names a key that does not exist, so it answers exactly like an unknown one.
 * The bytes are written first, then a small JSON file that says what they are; an upload without
 * that file (a crash between the two) is not found.
 */
export class MediaUploads {
  private readonly underWay = new Set<Promise<unknown>>();

  constructor(private readonly media: MediaStore) {}

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
    const maxBytes = Math.min(request.limit.maxBytes, request.declaredBytes ?? Infinity);
    const { sha256, sizeBytes } = await this.media.put(storageKey, checkedSignature(body, request.mimeType), {
      maxBytes,
    });
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
    };
    const metadata = Buffer.from(JSON.stringify(upload));
    await this.media.put(metadataKey(storageKey), oneChunk(metadata), { maxBytes: MAX_METADATA_BYTES });
    return upload;
  }

  /** The portal's upload, or null: an unknown id, another portal's and a malformed one alike. */
  async find(portalId: string, uploadId: string): Promise<MediaUpload | null> {
    if (!UPLOAD_ID.test(uploadId)) return null;
    const storageKey = uploadStorageKey(portalId, uploadId);
    const opened = await this.media.open(metadataKey(storageKey));
    if (!opened || opened.sizeBytes > MAX_METADATA_BYTES) {
      opened?.stream.destroy();
      return null;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
    const upload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as MediaUpload;
    return upload.portalId === portalId && upload.uploadId === uploadId ? upload : null;
  }
}

export function uploadStorageKey(portalId: string, uploadId: string): string {
  const portal = createHash('sha256').update(portalId).digest('hex').slice(0, 32);
  return `uploads/${portal}/${uploadId}`;
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
