import type { CampaignEvent } from './campaign/index.js';
import type { ChannelEvent } from './channel/index.js';
import type { ContactEvent, ContactPhoneEvent } from './contact/index.js';
import type { ConversationEvent } from './conversation/index.js';
import type { PhoneNumberClaimEvent, PhoneNumberIdEvent } from './phone-number/index.js';
import type { PortalEvent } from './portal/index.js';
import type { DailyQuotaEvent, MonthlyQuotaEvent } from './quota/index.js';
import type { TemplateEvent } from './template/index.js';
import type { ViewEvent } from './view/index.js';
import type { WabaClaimEvent } from './waba/index.js';

/** Every event the domain records, across all its streams: what read models and notifications are typed by. */
export type HelpdeskEvent =
  | ConversationEvent
  | ChannelEvent
  | ContactEvent
  | ContactPhoneEvent
  | PhoneNumberClaimEvent
  | PhoneNumberIdEvent
  | PortalEvent
  | MonthlyQuotaEvent
  | DailyQuotaEvent
  | TemplateEvent
  | ViewEvent
  | WabaClaimEvent
  | CampaignEvent;

export type HelpdeskEventType = HelpdeskEvent['type'];

/** The domain event of one type (or of several). */
export type HelpdeskEventOf<Type extends HelpdeskEventType> = Extract<HelpdeskEvent, { type: Type }>;
