import type { DomainCommand } from '../core/index.js';

/** The portal is the tenant the command is for: `context.portalId`. */
export type RegisterPortal = DomainCommand<
  'RegisterPortal',
  {
    name: string;
    /** IANA time zone, e.g. 'Europe/Paris'. */
    timeZone: string;
    /** 'YYYY-MM-DD'. */
    subscriptionStartedOn: string;
    /** Defaults to DEFAULT_MONTHLY_CONVERSATION_LIMIT. */
    monthlyConversationLimit?: number;
  }
>;

export type ChangeMonthlyLimit = DomainCommand<
  'ChangeMonthlyLimit',
  {
    limit: number;
    /** ISO instant with an explicit offset ('Z' or '+02:00'). */
    effectiveFrom: string;
  }
>;

/** Whether agents reading a conversation send Meta's read receipt (blue ticks) to the contact. */
export type ChangeReadReceiptsToContacts = DomainCommand<'ChangeReadReceiptsToContacts', { enabled: boolean }>;

/** The platform operator stops a tenant's outbound messages (unpaid, abuse); its inbound ones are still kept. */
export type SuspendPortal = DomainCommand<'SuspendPortal', { reason: string }>;
export type ResumePortal = DomainCommand<'ResumePortal', Record<string, never>>;

export type PortalCommand =
  RegisterPortal | ChangeMonthlyLimit | ChangeReadReceiptsToContacts | SuspendPortal | ResumePortal;
