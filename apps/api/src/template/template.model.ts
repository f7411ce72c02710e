import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { TemplateRow } from '@helpdesk/projections/directory/index.js';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';
import type { Covers } from '../graphql/enum-covers.js';

export enum TemplateCategory {
  MARKETING = 'marketing',
  UTILITY = 'utility',
  AUTHENTICATION = 'authentication',
}

export enum TemplateStatus {
  PENDING = 'pending',
  APPROVED = 'approved',
  REJECTED = 'rejected',
}

export enum TemplateHeaderKind {
  TEXT = 'text',
  IMAGE = 'image',
  VIDEO = 'video',
  DOCUMENT = 'document',
}

export enum TemplateButtonKind {
  QUICK_REPLY = 'quick_reply',
  URL = 'url',
  PHONE_NUMBER = 'phone_number',
}

true satisfies Covers<`${TemplateCategory}`, TemplateRow['category']>;
true satisfies Covers<`${TemplateStatus}`, TemplateRow['status']>;
true satisfies Covers<`${TemplateHeaderKind}`, NonNullable<TemplateRow['header']>['kind']>;
true satisfies Covers<`${TemplateButtonKind}`, TemplateRow['buttons'][number]['kind']>;

registerEnumType(TemplateCategory, { name: 'TemplateCategory' });
registerEnumType(TemplateStatus, {
  name: 'TemplateStatus',
  description: "Meta's review: only APPROVED templates can be sent.",
});
registerEnumType(TemplateHeaderKind, { name: 'TemplateHeaderKind' });
registerEnumType(TemplateButtonKind, { name: 'TemplateButtonKind' });

@ObjectType('TemplateHeader', {
  description: 'A text header (which may take parameters), or a media header whose file is chosen when sending.',
})
export class TemplateHeaderModel {
  @Field(() => TemplateHeaderKind)
  kind!: TemplateHeaderKind;

  @Field(() => String, { nullable: true })
  text?: string;
}

@ObjectType('TemplateButton')
export class TemplateButtonModel {
  @Field(() => TemplateButtonKind)
  kind!: TemplateButtonKind;

  @Field()
  text!: string;

  @Field(() => String, { nullable: true })
  url?: string;

  @Field(() => String, { nullable: true })
  phoneNumber?: string;
}

/** A message template of one channel, in one language. */
@ObjectType('MessageTemplate')
export class MessageTemplateModel {
  @Field(() => ID, { description: 'The channel (WhatsApp account) it belongs to.' })
  accountId!: string;

  @Field({ description: 'With language, what sendTemplate takes.' })
  name!: string;

  @Field({ description: 'e.g. en_US.' })
  language!: string;

  @Field(() => TemplateCategory)
  category!: TemplateCategory;

  @Field(() => TemplateStatus)
  status!: TemplateStatus;

  @Field({ description: 'With numbered placeholders {{1}}, {{2}}, ...' })
  body!: string;

  @Field(() => TemplateHeaderModel, { nullable: true })
  header!: TemplateHeaderModel | null;

  @Field(() => [TemplateButtonModel])
  buttons!: TemplateButtonModel[];

  @Field(() => String, { nullable: true })
  rejectionReason!: string | null;

  @Field(() => DateTimeScalar)
  registeredAt!: string;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "When Meta's latest verdict was recorded; null while pending.",
  })
  reviewedAt!: string | null;
}

/** The enums hold the read model's own strings, so the row's values go out unchanged. */
export function templateModel(row: TemplateRow): MessageTemplateModel {
  const { accountId, name, language, body, rejectionReason, registeredAt, reviewedAt } = row;
  return {
    ...{ accountId, name, language, body, rejectionReason, registeredAt, reviewedAt },
    category: row.category as TemplateCategory,
    status: row.status as TemplateStatus,
    header: row.header as TemplateHeaderModel | null,
    buttons: row.buttons.map((button) => button as TemplateButtonModel),
  };
}
