import { Field, ID, ObjectType } from '@nestjs/graphql';
import { RECORDED_POSITION_DESCRIPTION as POSITION } from '../graphql/recorded-position.js';

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
