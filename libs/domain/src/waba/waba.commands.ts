import type { DomainCommand } from '../core/index.js';

/** Meta's WhatsApp Business Account id is held by one help desk account (so one portal) at a time. */
export type ClaimWaba = DomainCommand<'ClaimWaba', { wabaId: string; accountId: string }>;

export type ReleaseWaba = DomainCommand<'ReleaseWaba', { wabaId: string; accountId: string }>;

export type WabaClaimCommand = ClaimWaba | ReleaseWaba;
