import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { OwnerMatch, ViewFilter } from '@helpdesk/domain';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';
import type { TicketCount } from '@helpdesk/projections/ticket-list/index.js';
import type { ViewDefinition } from './visible-views.reader.js';

export enum ViewSharing {
  ONLY_ME = 'only_me',
  MY_TEAM = 'my_team',
  EVERYONE = 'everyone',
}

/** The fields a view filters on; the values of one filter are ORed, filters are ANDed. */
export enum ViewFilterField {
  SOURCE_CHANNEL_TYPE = 'sourceChannelType',
  STATUS = 'status',
  OWNER = 'owner',
  ACCOUNT_ID = 'accountId',
  PHONE_NUMBER = 'phoneNumber',
  CONTACT_ID = 'contactId',
  LAST_MESSAGE_DIRECTION = 'lastMessageDirection',
}

export enum ViewOwnerKind {
  USER = 'user',
  CURRENT_USER = 'current_user',
  UNASSIGNED = 'unassigned',
}

registerEnumType(ViewSharing, { name: 'ViewSharing' });
registerEnumType(ViewFilterField, {
  name: 'ViewFilterField',
  valuesMap: {
    SOURCE_CHANNEL_TYPE: {
      description: 'whatsapp, email, chat, facebook_messenger, form, calling (every ticket is whatsapp for now).',
    },
    STATUS: { description: 'open, closed.' },
    OWNER: { description: 'Given as `owners`, not `values`.' },
    ACCOUNT_ID: { description: 'The WhatsApp account the ticket came through.' },
    PHONE_NUMBER: {
      description: 'The business number the contact wrote to, in any dialable spelling (kept as E.164).',
    },
    CONTACT_ID: { description: 'The help desk contact associated with the ticket.' },
    LAST_MESSAGE_DIRECTION: { description: 'inbound (the contact wrote last), outbound (the business did).' },
  },
});
registerEnumType(ViewOwnerKind, {
  name: 'ViewOwnerKind',
  valuesMap: { CURRENT_USER: { description: 'Whoever looks at the view: one shared view serves every agent.' } },
});

@ObjectType('ViewOwner')
export class ViewOwnerModel {
  @Field(() => ViewOwnerKind)
  kind!: ViewOwnerKind;

  @Field(() => ID, { nullable: true, description: 'Set when kind is USER.' })
  userId!: string | null;
}

@ObjectType('ViewFilter')
export class ViewFilterModel {
  @Field(() => ViewFilterField)
  field!: ViewFilterField;

  @Field(() => [String], { description: 'Any of these values; empty for OWNER (see owners).' })
  values!: string[];

  @Field(() => [ViewOwnerModel], { description: 'Any of these owners; empty unless field is OWNER.' })
  owners!: ViewOwnerModel[];
}

@ObjectType('View')
export class ViewModel {
  @Field(() => ID, {
    description: 'Pass it to `tickets(viewId:)`. Default views have fixed ids (all-open, all-closed, ...).',
  })
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'A default view every portal has, which nobody can change.' })
  isDefault!: boolean;

  @Field(() => ViewSharing)
  sharing!: ViewSharing;

  @Field(() => ID, { nullable: true, description: 'The team a MY_TEAM view is shared with.' })
  teamId!: string | null;

  @Field(() => ID, { nullable: true, description: 'Null for default views.' })
  creatorId!: string | null;

  @Field(() => [ViewFilterModel])
  filters!: ViewFilterModel[];

  @Field(() => DateTimeScalar, { nullable: true, description: 'Null for default views.' })
  updatedAt!: string | null;

  /** Counts the view's tickets, once, for `ticketCount` and `ticketCountCapped` (ViewsResolver); not a GraphQL field. */
  counted!: () => Promise<TicketCount>;
}

export function viewModel(definition: ViewDefinition): Omit<ViewModel, 'counted'> {
  const { viewId, name, isDefault, sharing, teamId, creatorId, filters, updatedAt } = definition;
  const shown = { id: viewId, name, isDefault, sharing: sharing as ViewSharing, teamId, creatorId, updatedAt };
  return { ...shown, filters: filters.map(viewFilterModel) };
}

export function viewFilterModel(filter: ViewFilter): ViewFilterModel {
  const field = filter.field as ViewFilterField;
  if (filter.field !== 'owner') return { field, values: [...filter.anyOf], owners: [] };
  return { field, values: [], owners: filter.anyOf.map(ownerModel) };
}

function ownerModel(owner: OwnerMatch): ViewOwnerModel {
  return { kind: owner.kind as ViewOwnerKind, userId: owner.kind === 'user' ? owner.userId : null };
}
