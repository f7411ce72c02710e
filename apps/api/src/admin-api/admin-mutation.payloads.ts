import { Field, ID, ObjectType } from '@nestjs/graphql';

const POSITION =
  "Where this request's events stand in the log: pass it as `atLeastPosition` to read your own write. " +
  'Null when the request recorded nothing new (a change already made).';

@ObjectType('WhatsAppAccountPayload')
export class WhatsAppAccountPayload {
  @Field(() => ID)
  accountId!: string;

  @Field(() => String, { nullable: true, description: POSITION })
  position!: string | null;
}

@ObjectType('PhoneNumberPayload')
export class PhoneNumberPayload {
  @Field(() => ID)
  accountId!: string;

  @Field({ description: 'E.164.' })
  displayNumber!: string;

  @Field(() => String, { nullable: true, description: POSITION })
  position!: string | null;
}

@ObjectType('TemplatePayload')
export class TemplatePayload {
  @Field(() => ID)
  accountId!: string;

  @Field()
  name!: string;

  @Field()
  language!: string;

  @Field(() => String, { nullable: true, description: POSITION })
  position!: string | null;
}

@ObjectType('ContactPayload')
export class ContactPayload {
  @Field(() => ID)
  contactId!: string;

  @Field(() => String, { nullable: true, description: POSITION })
  position!: string | null;
}
