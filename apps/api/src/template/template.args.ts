import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { AtLeastPositionArgs } from '../graphql/at-least-position.args.js';

@ArgsType()
export class TemplatesArgs extends AtLeastPositionArgs {
  @Field(() => ID, { nullable: true, description: "One channel's templates; every channel's when absent." })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  accountId?: string | null;
}
