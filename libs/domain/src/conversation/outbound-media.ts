import { refuse } from '../core/index.js';
import type { OutboundMedia, OutboundMediaKind } from './message-content.js';

const KB = 1024;
const MB = 1024 * KB;

interface MediaRule {
  readonly mimeTypes: readonly string[];
  readonly maxBytes: number;
  readonly accepted: string;
}

/** Meta's Cloud API limits for media sent by the business; anything else fails at Meta, so refuse it first. */
const RULES: Record<Exclude<OutboundMediaKind, 'sticker'>, MediaRule> = {
  image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB, accepted: 'JPEG or PNG up to 5 MB' },
  video: { mimeTypes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB, accepted: 'MP4 or 3GPP up to 16 MB' },
  audio: {
    mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
    maxBytes: 16 * MB,
    accepted: 'AAC, AMR, MP3 (audio/mpeg), MP4 audio or OGG with the Opus codec, up to 16 MB',
  },
  document: {
    mimeTypes: [
      'application/pdf',
      'text/plain',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * MB,
    accepted: 'PDF, plain text or Office documents (DOC, DOCX, XLS, XLSX, PPT, PPTX) up to 100 MB',
  },
};

function stickerRule(animated: boolean | undefined): MediaRule {
  if (animated === false)
    return { mimeTypes: ['image/webp'], maxBytes: 100 * KB, accepted: 'static WebP up to 100 KB' };
  return {
    mimeTypes: ['image/webp'],
    maxBytes: 500 * KB,
    accepted: 'WebP up to 500 KB (static stickers up to 100 KB)',
  };
}

const CAPTIONED: ReadonlySet<OutboundMediaKind> = new Set(['image', 'video', 'document']);

/** Meta's bound on a media caption (images, videos, documents). */
export const MAX_CAPTION_LENGTH = 1024;
/** A document's file name as the contact sees it: Meta sets no bound, this keeps it readable. */
export const MAX_MEDIA_FILE_NAME_LENGTH = 240;

export interface OutboundMediaLimit {
  readonly kind: OutboundMediaKind;
  readonly maxBytes: number;
  /** The formats and size in words, e.g. "JPEG or PNG up to 5 MB". */
  readonly accepted: string;
}

/** The kind WhatsApp sends a file of this type as (WebP: a sticker), or null when it sends none. */
export function outboundMediaKindOf(mimeType: string): OutboundMediaKind | null {
  const kinds: OutboundMediaKind[] = ['image', 'sticker', 'video', 'audio', 'document'];
  return (
    kinds.find((kind) => isAcceptedMimeType(mimeType, kind === 'sticker' ? ['image/webp'] : RULES[kind].mimeTypes)) ??
    null
  );
}

/**
 * The size bound of a kind and type, or UNSUPPORTED_MEDIA_TYPE naming what WhatsApp accepts. Known
 * before a byte is read, so an upload can be refused on its headers.
 */
export function outboundMediaLimit(kind: string, mimeType: string, animated?: boolean): OutboundMediaLimit {
  const known = (RULES as Record<string, MediaRule | undefined>)[kind] !== undefined || kind === 'sticker';
  if (!known) {
    refuse('UNSUPPORTED_MEDIA_TYPE', `'${kind}' is not a kind of media WhatsApp can send`, { kind, mimeType });
  }
  const mediaKind = kind as OutboundMediaKind;
  const rule =
    mediaKind === 'sticker' ? stickerRule(animated) : RULES[mediaKind as Exclude<OutboundMediaKind, 'sticker'>];
  if (!isAcceptedMimeType(mimeType, rule.mimeTypes)) {
    refuse('UNSUPPORTED_MEDIA_TYPE', `WhatsApp cannot send ${kind} as '${mimeType}': send ${rule.accepted}`, {
      kind,
      mimeType,
      accepted: rule.accepted,
    });
  }
  return { kind: mediaKind, maxBytes: rule.maxBytes, accepted: rule.accepted };
}

/** MEDIA_TOO_LARGE with the limit in bytes and in words, in the message and the details. */
export function refuseTooLarge(limit: OutboundMediaLimit, mimeType: string, sizeBytes: number | null): never {
  const size = sizeBytes === null ? 'larger than that' : `${sizeBytes} bytes`;
  refuse(
    'MEDIA_TOO_LARGE',
    `The ${limit.kind} is ${size}: WhatsApp sends at most ${limit.maxBytes} bytes (${bytesInWords(limit.maxBytes)}) of ${limit.kind} (${limit.accepted})`,
    {
      kind: limit.kind,
      mimeType,
      ...(sizeBytes !== null && { sizeBytes }),
      maxBytes: limit.maxBytes,
      limit: bytesInWords(limit.maxBytes),
    },
  );
}

export function bytesInWords(bytes: number): string {
  if (bytes >= MB && bytes % MB === 0) return `${bytes / MB} MB`;
  if (bytes >= KB && bytes % KB === 0) return `${bytes / KB} KB`;
  return `${bytes} bytes`;
}

/** Refuses, with the accepted formats or the limit in the message, any media Meta would not deliver. */
export function validateOutboundMedia(media: OutboundMedia): void {
  const limit = outboundMediaLimit(media.kind, media.mimeType, media.animated);
  const details = { kind: media.kind, mimeType: media.mimeType, sizeBytes: media.sizeBytes };
  if (!Number.isInteger(media.sizeBytes) || media.sizeBytes <= 0) {
    refuse('INVALID_COMMAND', `The ${media.kind} has no valid size (${media.sizeBytes} bytes)`, details);
  }
  if (media.sizeBytes > limit.maxBytes) refuseTooLarge(limit, media.mimeType, media.sizeBytes);
  const sources = [media.mediaId, media.link, media.upload].filter((source) => source !== undefined);
  if (sources.length !== 1) {
    refuse('INVALID_COMMAND', `The ${media.kind} needs exactly one of an upload, a media id or a link`, details);
  }
  if (media.caption !== undefined && media.caption.length > MAX_CAPTION_LENGTH) {
    refuse('INVALID_COMMAND', `A caption can have at most ${MAX_CAPTION_LENGTH} characters`, {
      ...details,
      maxLength: MAX_CAPTION_LENGTH,
    });
  }
  if (media.caption !== undefined && !CAPTIONED.has(media.kind)) {
    refuse('INVALID_COMMAND', `WhatsApp shows captions on images, videos and documents, not on ${media.kind}`, details);
  }
  if (media.filename !== undefined && media.filename.length > MAX_MEDIA_FILE_NAME_LENGTH) {
    refuse('INVALID_COMMAND', `A file name can have at most ${MAX_MEDIA_FILE_NAME_LENGTH} characters`, {
      ...details,
      maxLength: MAX_MEDIA_FILE_NAME_LENGTH,
    });
  }
}

/** Parameters are ignored except an OGG codec, which must be Opus: WhatsApp plays no other. */
function isAcceptedMimeType(mimeType: string, accepted: readonly string[]): boolean {
  const [base, ...parameters] = mimeType
    .toLowerCase()
    .split(';')
    .map((part) => part.trim());
  if (!accepted.includes(base)) return false;
  const codecs = parameters.find((parameter) => parameter.startsWith('codecs='));
  return base !== 'audio/ogg' || codecs === undefined || codecs.replace(/"/g, '') === 'codecs=opus';
}
