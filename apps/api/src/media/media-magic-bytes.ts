/** How many leading bytes the signatures below need. */
export const SIGNATURE_BYTES = 16;

const startsWith = (head: Buffer, bytes: readonly number[], at = 0) =>
  head.length >= at + bytes.length && bytes.every((byte, index) => head[at + index] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** OLE2 compound file: DOC, XLS, PPT. */
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** ZIP: DOCX, XLSX, PPTX. */
const ZIP = [0x50, 0x4b, 0x03, 0x04];

const isIsoMedia = (head: Buffer) => startsWith(head, ascii('ftyp'), 4);
const isWebp = (head: Buffer) => startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8);
/** An MPEG audio frame sync (11 bits set) or an ID3 tag in front of one. */
const isMp3 = (head: Buffer) => startsWith(head, ascii('ID3')) || (head[0] === 0xff && (head[1] & 0xe0) === 0xe0);
/** ADTS (12 sync bits) or ADIF. */
const isAac = (head: Buffer) => (head[0] === 0xff && (head[1] & 0xf0) === 0xf0) || startsWith(head, ascii('ADIF'));

const SIGNATURES: Readonly<Record<string, (head: Buffer) => boolean>> = {
  'image/jpeg': (head) => startsWith(head, JPEG),
  'image/png': (head) => startsWith(head, PNG),
  'image/webp': isWebp,
  'video/mp4': isIsoMedia,
  'video/3gpp': isIsoMedia,
  'audio/mp4': isIsoMedia,
  'audio/ogg': (head) => startsWith(head, ascii('OggS')),
  'audio/mpeg': isMp3,
  'audio/aac': isAac,
  'audio/amr': (head) => startsWith(head, ascii('#!AMR')),
  'application/pdf': (head) => startsWith(head, ascii('%PDF-')),
  'application/msword': (head) => startsWith(head, OLE2),
  'application/vnd.ms-excel': (head) => startsWith(head, OLE2),
  'application/vnd.ms-powerpoint': (head) => startsWith(head, OLE2),
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': (head) => startsWith(head, ZIP),
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': (head) => startsWith(head, ZIP),
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': (head) => startsWith(head, ZIP),
  // Text has no signature: no NUL byte is the usual test that it is not a binary file.
  'text/plain': (head) => !head.includes(0),
};

/**
 * Whether the first bytes of a file are what its declared type says (magic numbers): a file that
 * claims image/png and is not one is refused before it reaches Meta or the contact.
 */
export function looksLike(mimeType: string, head: Buffer): boolean {
  const base = mimeType.split(';')[0].trim().toLowerCase();
  return SIGNATURES[base]?.(head) ?? false;
}
