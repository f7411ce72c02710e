import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { ContactRow } from '@helpdesk/projections/directory/index.js';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';
import { PageInfoModel } from '../graphql/page-info.model.js';

/** A help desk contact; conversations from either of its numbers are associated with it. */
@ObjectType('Contact')
export class ContactModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: 'E.164.' })
  phoneNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'E.164.' })
  mobilePhoneNumber!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  @Field(() => DateTimeScalar)
  updatedAt!: string;
}

@ObjectType('ContactConnection')
export class ContactConnectionModel {
  @Field(() => [ContactModel], { description: 'By name.' })
  nodes!: ContactModel[];

  @Field(() => Int, {
    description: "The portal's contacts, on every page: at most 1,000 (then totalCountCapped is true).",
  })
  totalCount!: number;

  @Field({
    description: 'True when the portal has more than 1,000 contacts and totalCount stopped there (show "1,000+").',
  })
  totalCountCapped!: boolean;

  @Field(() => PageInfoModel)
  pageInfo!: PageInfoModel;
}

export function contactModel(row: ContactRow): ContactModel {
  const { contactId, name, phoneNumber, mobilePhoneNumber, createdAt, updatedAt } = row;
  return { id: contactId, name, phoneNumber, mobilePhoneNumber, createdAt, updatedAt };
}
