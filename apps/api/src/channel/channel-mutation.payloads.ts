import { Field, ID, ObjectType } from '@nestjs/graphql';
import { RECORDED_POSITION_DESCRIPTION as POSITION } from '../graphql/recorded-position.js';

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
