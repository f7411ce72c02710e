const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
};

/** Types a browser shows without running anything: served inline; every other type is a download. */
const INLINE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'audio/ogg', 'audio/mpeg', 'video/mp4']);

/**
 * A file name safe in a header and on a disk: the contact's name for a document when it has one
 * (path separators, control characters and quotes replaced), else the kind and a short id.
 */
export function safeFileName(given: string | undefined, kind: string, messageId: string, mimeType: string): string {
  const base = (given ?? '')
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}"\\/:*?<>|]/gu, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 120);
  if (base !== '') return base;
  const extension = EXTENSIONS[mimeType.split(';')[0].trim().toLowerCase()] ?? 'bin';
  return `${kind}-${messageId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 12)}.${extension}`;
}

/** `Content-Disposition`: an ASCII fallback name and the exact one (RFC 6266 / 5987). */
export function contentDisposition(fileName: string, mimeType: string): string {
  const type = INLINE_TYPES.has(mimeType.split(';')[0].trim().toLowerCase()) ? 'inline' : 'attachment';
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/[%;]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
