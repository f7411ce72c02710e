import type { TemplateButton, TemplateCategory, TemplateHeader } from '@helpdesk/domain';

/** A help desk contact; numbers are E.164, as the domain normalised them. */
export interface ContactRow {
  readonly contactId: string;
  readonly portalId: string;
  readonly name: string;
  readonly phoneNumber: string | null;
  readonly mobilePhoneNumber: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ChannelPhoneNumber {
  readonly phoneNumberId: string;
  /** E.164. */
  readonly displayNumber: string;
  readonly addedAt: string;
}

/** A WhatsApp Business account connected as a channel. */
export interface ChannelRow {
  readonly accountId: string;
  readonly portalId: string;
  readonly wabaId: string;
  readonly name: string;
  readonly timeZone: string;
  readonly status: 'connected' | 'disconnected';
  /** Meta verified the business: no cap of 50 business-initiated conversations a day. */
  readonly verified: boolean;
  readonly connectedAt: string;
  readonly disconnectedAt: string | null;
  /** The numbers connected now; a disconnected account has released them all. */
  readonly phoneNumbers: readonly ChannelPhoneNumber[];
}

export type TemplateStatus = 'pending' | 'approved' | 'rejected';

/** A message template of one WhatsApp account, in one language, with Meta's review verdict. */
export interface TemplateRow {
  readonly accountId: string;
  readonly portalId: string;
  readonly name: string;
  readonly language: string;
  readonly category: TemplateCategory;
  readonly status: TemplateStatus;
  readonly body: string;
  readonly header: TemplateHeader | null;
  readonly buttons: readonly TemplateButton[];
  readonly rejectionReason: string | null;
  readonly registeredAt: string;
  /** When Meta's latest verdict was recorded; null while pending. */
  readonly reviewedAt: string | null;
}
