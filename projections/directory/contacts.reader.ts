import { normaliseToE164 } from '@helpdesk/domain';
import type { ReadDatabase } from '../core/read-model-schema.js';
import { physicalTableName } from '../core/projection.js';
import type { ContactRow } from './directory.documents.js';
import { CONTACTS, directoryProjection } from './directory.projection.js';
import { decodeCursor, encodeCursor } from '../core/page-cursor.js';

/** A portal's contacts are counted up to this many: the count's work does not grow with the portal. */
export const CONTACT_COUNT_CAP = 1_000;

export interface ContactPage {
  readonly contacts: readonly ContactRow[];
  /** The portal's contacts; CONTACT_COUNT_CAP when `totalCountCapped`. */
  readonly totalCount: number;
  /** True when the portal has more contacts than the cap. */
  readonly totalCountCapped: boolean;
  /** Pass as `after` for the next page; null on the last page. */
  readonly endCursor: string | null;
}

const table = () => physicalTableName(directoryProjection, CONTACTS);

/**
 * The portal's contacts whose phone or mobile number is `phone`, compared in E.164 as inbound
 * senders are; any dialable spelling with its country code is accepted (else INVALID_PHONE_NUMBER).
 */
export async function findContactsByPhone(db: ReadDatabase, portalId: string, phone: string): Promise<ContactRow[]> {
  const e164 = normaliseToE164(phone);
  const rows = await db
    .selectFrom(table())
    .select('document')
    .where('portal_id', '=', portalId)
    .where((eb) => eb.or([eb('phone_number', '=', e164), eb('mobile_phone_number', '=', e164)]))
    .orderBy('name_key')
    .orderBy('id')
    .execute();
  return rows.map((row) => JSON.parse(row.document as string) as ContactRow);
}

/**
 * A portal's contacts by name; the cursor is (name, id) so pages never skip or repeat one. The
 * total is counted up to `countCap`, so no page's cost grows with the portal.
 */
export async function listContacts(
  db: ReadDatabase,
  portalId: string,
  first = 25,
  after?: string,
  countCap = CONTACT_COUNT_CAP,
): Promise<ContactPage> {
  const query = db.selectFrom(table()).where('portal_id', '=', portalId);
  const upToCap = query.select('id').limit(countCap + 1);
  const total = await db
    .selectFrom(upToCap.as('counted'))
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirstOrThrow();
  const counted = Number(total.count);
  let page = query
    .select(['id', 'document', 'name_key'])
    .orderBy('name_key')
    .orderBy('id')
    .limit(first + 1);
  if (after) {
    const [nameKey, id] = decodeCursor(after, ['string', 'string'] as const);
    page = page.where((eb) =>
      eb.or([eb('name_key', '>', nameKey), eb.and([eb('name_key', '=', nameKey), eb('id', '>', id)])]),
    );
  }
  const rows = (await page.execute()) as { id: string; document: string; name_key: string }[];
  const visible = rows.slice(0, first);
  const last = visible[visible.length - 1];
  return {
    contacts: visible.map((row) => JSON.parse(row.document) as ContactRow),
    totalCount: Math.min(counted, countCap),
    totalCountCapped: counted > countCap,
    endCursor: rows.length > first && last ? encodeCursor([last.name_key, last.id]) : null,
  };
}
