import { Field, ID, ObjectType } from '@nestjs/graphql';
import { RECORDED_POSITION_DESCRIPTION as POSITION } from '../graphql/recorded-position.js';

@ObjectType('ContactPayload')
export class ContactPayload {
  @Field(() => ID)
  contactId!: string;

  @Field(() => String, { nullable: true, description: POSITION })
  position!: string | null;
}
