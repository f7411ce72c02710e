import { ArgsType, Field } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Queries of the directory read model (channels, templates, contacts) can wait for a mutation's position, like the ticket list. */
@ArgsType()
export class AtLeastPositionArgs {
  @Field(() => String, {
    nullable: true,
    description:
      "Read-your-writes: a mutation's `position`. Waits (up to 5 s, then STALE_READ) until the answer includes it.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  atLeastPosition?: string | null;
}
