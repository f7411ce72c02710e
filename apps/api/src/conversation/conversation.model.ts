import { ArgsType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ThreadMessageConnectionModel } from './thread-message.model.js';

export const MAX_THREAD_PAGE = 100;
export const DEFAULT_THREAD_PAGE = 50;

/** A conversation of the portal (one business number, one contact) and a page of its thread. */
@ObjectType('Conversation')
export class ConversationModel {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The business number, E.164.' })
  businessPhone!: string;

  @Field({ description: "The contact's number, E.164." })
  contactPhone!: string;

  @Field(() => ThreadMessageConnectionModel, {
    description:
      "The page of messages asked for by `first` and `after`, every ticket's, oldest first. " +
      'Quarantined messages keep their place, without content.',
  })
  thread!: ThreadMessageConnectionModel;
}

@ArgsType()
export class ConversationArgs {
  @Field(() => ID, { description: "A ticket's conversationId." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  id!: string;

  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_THREAD_PAGE,
    description: `Messages per page, 1 to ${MAX_THREAD_PAGE}.`,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_THREAD_PAGE)
  first?: number | null;

  @Field(() => String, { nullable: true, description: "The previous page's thread.pageInfo.endCursor." })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  after?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Read-your-writes: a mutation's `position`. Waits (up to 5 s, then STALE_READ) until the thread includes it.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  atLeastPosition?: string | null;
}
