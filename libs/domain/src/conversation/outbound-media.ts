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

/** Refuses, with the accepted formats in the message, any media Meta would not deliver. */
export function validateOutboundMedia(media: OutboundMedia): void {
  const rule = media.kind === 'sticker' ? stickerRule(media.animated) : RULES[media.kind];
  if (!rule) refuse('UNSUPPORTED_MEDIA', `'${String(media.kind)}' is not a kind of media WhatsApp can send`);
  const details = { kind: media.kind, mimeType: media.mimeType, sizeBytes: media.sizeBytes };
  if (!isAcceptedMimeType(media.mimeType, rule.mimeTypes)) {
    refuse(
      'UNSUPPORTED_MEDIA',
      `WhatsApp cannot send ${media.kind} as '${media.mimeType}': send ${rule.accepted}`,
      details,
    );
  }
  if (!Number.isInteger(media.sizeBytes) || media.sizeBytes <= 0) {
    refuse('UNSUPPORTED_MEDIA', `The ${media.kind} has no valid size (${media.sizeBytes} bytes)`, details);
  }
  if (media.sizeBytes > rule.maxBytes) {
    refuse('UNSUPPORTED_MEDIA', `The ${media.kind} is ${media.sizeBytes} bytes: send ${rule.accepted}`, details);
  }
  if ((media.mediaId === undefined) === (media.link === undefined)) {
    refuse('INVALID_COMMAND', `The ${media.kind} needs either a media id or a link, not both`, details);
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
