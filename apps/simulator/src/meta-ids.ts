import { digits, type Prng } from '@helpdesk/demo';

const HEX = '0123456789ABCDEF';

/**
 * A `wamid` shaped like Meta's: base64 of a small binary record holding the contact's wa_id and a
 * 20-character hex id. Opaque to receivers, but the same length and alphabet as the real ones.
 */
export function newWamid(prng: Prng, waId: string): string {
  const record = Buffer.concat([
    Buffer.from([0x1c, 0x18, waId.length]),
    Buffer.from(waId, 'ascii'),
    Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, 0x14]),
    Buffer.from(prng.chars(20, HEX), 'ascii'),
    Buffer.from([0x00]),
  ]);
  return `wamid.${record.toString('base64')}`;
}

/** Meta's numeric ids (media, WABA, phone number): 15 or 16 digits, no leading zero. */
export function newNumericId(prng: Prng, length = 15): string {
  return `${prng.int(1, 9)}${digits(prng, length - 1)}`;
}

/** A media file's checksum as Meta sends it: base64 of 32 bytes. */
export function newSha256(prng: Prng): string {
  return Buffer.from(Array.from({ length: 32 }, () => prng.int(0, 255))).toString('base64');
}

export function newConversationId(prng: Prng): string {
  return prng.chars(32, '0123456789abcdef');
}

/** Meta's timestamps: Unix seconds, as a string. */
export function unixSeconds(at: Date): string {
  return String(Math.floor(at.getTime() / 1000));
}
