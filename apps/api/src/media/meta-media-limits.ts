/**
 * Meta's maximum size per media type (Cloud API, "Supported media types"): a download larger than
 * its type allows is not Meta's media, and reading stops there.
 */
const MB = 1024 * 1024;
const MAX_BYTES: Readonly<Record<string, number>> = {
  image: 5 * MB,
  video: 16 * MB,
  audio: 16 * MB,
  voice: 16 * MB,
  document: 100 * MB,
  sticker: 500 * 1024,
};

export function maxMediaBytes(kind: string): number {
  return MAX_BYTES[kind] ?? 100 * MB;
}
