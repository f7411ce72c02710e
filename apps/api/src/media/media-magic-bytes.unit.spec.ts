import { looksLike } from './media-magic-bytes.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

describe('Checking a file against its declared type by its first bytes', () => {
  it.each<[string, Buffer]>([
    ['image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF')],
    ['image/png', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'IHDR')],
    ['image/webp', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ')],
    ['video/mp4', bytes([0, 0, 0, 0x18], 'ftypmp42')],
    ['video/3gpp', bytes([0, 0, 0, 0x18], 'ftyp3gp4')],
    ['audio/ogg; codecs=opus', bytes('OggS', [0, 2])],
    ['audio/mpeg', bytes('ID3', [4, 0])],
    ['audio/mpeg', bytes([0xff, 0xfb, 0x90, 0x64])],
    ['audio/aac', bytes([0xff, 0xf1, 0x50, 0x80])],
    ['audio/amr', bytes('#!AMR\n')],
    ['application/pdf', bytes('%PDF-1.7')],
    ['application/msword', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes('PK', [3, 4])],
    ['text/plain; charset=utf-8', bytes('Order #42: two parcels')],
  ])('accepts %s', (mimeType, head) => {
    expect(looksLike(mimeType, head)).toBe(true);
  });

  it.each<[string, Buffer]>([
    ['image/png', bytes('%PDF-1.7 pretending')],
    ['image/jpeg', bytes([0x89, 0x50, 0x4e, 0x47])],
    ['image/webp', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')],
    ['video/mp4', bytes('<html><script>')],
    ['application/pdf', bytes('MZ', [0x90, 0])],
    ['text/plain', bytes('ELF', [0, 1, 2])],
    ['image/gif', bytes('GIF89a')],
  ])('refuses %s that is something else', (mimeType, head) => {
    expect(looksLike(mimeType, head)).toBe(false);
  });
});
