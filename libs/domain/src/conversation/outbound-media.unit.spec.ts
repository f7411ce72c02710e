import { DomainError } from '../core/index.js';
import {
  type OutboundMedia,
  type OutboundMediaKind,
  outboundMediaKindOf,
  outboundMediaLimit,
  validateOutboundMedia,
} from './index.js';

const KB = 1024;
const MB = 1024 * KB;

function media(
  kind: OutboundMediaKind,
  mimeType: string,
  sizeBytes: number,
  extra: Partial<OutboundMedia> = {},
): OutboundMedia {
  return { kind, mimeType, sizeBytes, mediaId: 'media-1', ...extra };
}

function refusal(candidate: OutboundMedia): DomainError {
  try {
    validateOutboundMedia(candidate);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`${candidate.kind} ${candidate.mimeType} was accepted`);
}

describe('Validating media before it is sent', () => {
  it.each<[OutboundMediaKind, string, number]>([
    ['image', 'image/jpeg', 5 * MB],
    ['image', 'image/png', 5 * MB],
    ['video', 'video/mp4', 16 * MB],
    ['video', 'video/3gpp', 16 * MB],
    ['audio', 'audio/aac', 16 * MB],
    ['audio', 'audio/amr', 16 * MB],
    ['audio', 'audio/mpeg', 16 * MB],
    ['audio', 'audio/mp4', 16 * MB],
    ['audio', 'audio/ogg', 16 * MB],
    ['audio', 'audio/ogg; codecs=opus', 16 * MB],
    ['document', 'application/pdf', 100 * MB],
    ['document', 'text/plain; charset=utf-8', 100 * MB],
    ['document', 'application/msword', 100 * MB],
    ['document', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 100 * MB],
    ['document', 'application/vnd.ms-excel', 100 * MB],
    ['document', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 100 * MB],
    ['document', 'application/vnd.ms-powerpoint', 100 * MB],
    ['document', 'application/vnd.openxmlformats-officedocument.presentationml.presentation', 100 * MB],
    ['sticker', 'image/webp', 500 * KB],
  ])('accepts %s %s at its size limit', (kind, mimeType, sizeBytes) => {
    expect(() => validateOutboundMedia(media(kind, mimeType, sizeBytes))).not.toThrow();
  });

  it.each<[OutboundMediaKind, string, number, RegExp]>([
    ['image', 'image/jpeg', 5 * MB + 1, /JPEG or PNG up to 5 MB/],
    ['video', 'video/mp4', 16 * MB + 1, /MP4 or 3GPP up to 16 MB/],
    ['audio', 'audio/mpeg', 16 * MB + 1, /up to 16 MB/],
    ['document', 'application/pdf', 100 * MB + 1, /up to 100 MB/],
    ['sticker', 'image/webp', 500 * KB + 1, /WebP up to 500 KB/],
  ])(
    'refuses %s %s one byte over the limit, with the limit in bytes and words',
    (kind, mimeType, sizeBytes, accepted) => {
      const error = refusal(media(kind, mimeType, sizeBytes));
      expect(error.code).toBe('MEDIA_TOO_LARGE');
      expect(error.message).toMatch(accepted);
      const maxBytes = sizeBytes - 1;
      expect(error.message).toContain(`at most ${maxBytes} bytes`);
      expect(error.details).toMatchObject({ kind, sizeBytes, maxBytes, limit: expect.stringMatching(/^\d+ (MB|KB)$/) });
    },
  );

  it.each<[OutboundMediaKind, string, RegExp]>([
    ['image', 'image/gif', /JPEG or PNG/],
    ['image', 'image/webp', /JPEG or PNG/],
    ['video', 'video/quicktime', /MP4 or 3GPP/],
    ['audio', 'audio/wav', /AAC, AMR, MP3 \(audio\/mpeg\), MP4 audio or OGG with the Opus codec/],
    ['audio', 'audio/ogg; codecs=vorbis', /Opus/],
    ['document', 'application/zip', /PDF, plain text or Office documents/],
    ['sticker', 'image/png', /WebP/],
  ])('refuses %s as %s, naming the accepted formats', (kind, mimeType, accepted) => {
    const error = refusal(media(kind, mimeType, 1024));
    expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(error.message).toContain(`'${mimeType}'`);
    expect(error.message).toMatch(accepted);
  });

  it('holds static stickers to 100 KB and animated ones to 500 KB', () => {
    expect(() => validateOutboundMedia(media('sticker', 'image/webp', 100 * KB, { animated: false }))).not.toThrow();
    expect(refusal(media('sticker', 'image/webp', 100 * KB + 1, { animated: false })).message).toMatch(
      /static WebP up to 100 KB/,
    );
    expect(() => validateOutboundMedia(media('sticker', 'image/webp', 500 * KB, { animated: true }))).not.toThrow();
  });

  it.each([0, -1, 1.5])('refuses a size of %p bytes', (sizeBytes) => {
    expect(refusal(media('image', 'image/png', sizeBytes)).code).toBe('INVALID_COMMAND');
  });

  it('refuses a kind WhatsApp cannot send', () => {
    expect(refusal(media('gif' as OutboundMediaKind, 'image/gif', 10)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('bounds captions at 1024 characters, as Meta does', () => {
    expect(() => validateOutboundMedia(media('image', 'image/png', 10, { caption: 'x'.repeat(1024) }))).not.toThrow();
    const error = refusal(media('image', 'image/png', 10, { caption: 'x'.repeat(1025) }));
    expect(error.code).toBe('INVALID_COMMAND');
    expect(error.message).toMatch(/1024/);
  });

  it('refuses a caption on audio or a sticker, which WhatsApp would not show', () => {
    expect(refusal(media('audio', 'audio/mpeg', 10, { caption: 'listen' })).code).toBe('INVALID_COMMAND');
    expect(refusal(media('sticker', 'image/webp', 10, { caption: 'hi' })).code).toBe('INVALID_COMMAND');
  });

  it('knows the limit from the kind and type alone, before any byte is read', () => {
    expect(outboundMediaLimit('document', 'application/pdf')).toMatchObject({ maxBytes: 100 * MB });
    expect(outboundMediaLimit('sticker', 'image/webp')).toMatchObject({ maxBytes: 500 * KB });
    expect(() => outboundMediaLimit('image', 'image/svg+xml')).toThrow(/JPEG or PNG/);
  });

  it.each<[string, OutboundMediaKind | null]>([
    ['image/png', 'image'],
    ['image/webp', 'sticker'],
    ['video/3gpp', 'video'],
    ['audio/ogg; codecs=opus', 'audio'],
    ['application/pdf', 'document'],
    ['text/plain; charset=utf-8', 'document'],
    ['image/gif', null],
    ['application/zip', null],
  ])('sends %s as %s', (mimeType, kind) => {
    expect(outboundMediaKindOf(mimeType)).toBe(kind);
  });

  it('accepts an upload of the help desk as the source', () => {
    const upload = { uploadId: 'u-1', storageKey: 'uploads/p/u-1', sha256: 'b'.repeat(64) };
    expect(() => validateOutboundMedia(media('image', 'image/png', 10, { mediaId: undefined, upload }))).not.toThrow();
    expect(refusal(media('image', 'image/png', 10, { upload })).code).toBe('INVALID_COMMAND');
  });

  it('needs exactly one of a media id or a link', () => {
    expect(refusal(media('image', 'image/png', 10, { mediaId: undefined })).code).toBe('INVALID_COMMAND');
    expect(refusal(media('image', 'image/png', 10, { link: 'https://cdn.example/a.png' })).code).toBe(
      'INVALID_COMMAND',
    );
    expect(() =>
      validateOutboundMedia(media('image', 'image/png', 10, { mediaId: undefined, link: 'https://x/a.png' })),
    ).not.toThrow();
  });
});
