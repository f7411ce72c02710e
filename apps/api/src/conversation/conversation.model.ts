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

  /** Resolved by ThreadsResolver.thread, with its own page arguments or, without them, the conversation's. */
  thread?: ThreadMessageConnectionModel;

  /** Not in the schema: the portal and the page asked for on `conversation` (deprecated there). */
  portalId!: string;
  legacyPage!: { readonly first: number; readonly after?: string };
}

/** Relay-style page arguments of `thread`: `first`/`after` from the oldest, or `last`/`before` from the newest. */
@ArgsType()
export class ThreadArgs {
  @Field(() => Int, { nullable: true, description: `The oldest messages (after \`after\`), 1 to ${MAX_THREAD_PAGE}.` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_THREAD_PAGE)
  first?: number | null;

  @Field(() => String, { nullable: true, description: "A page's pageInfo.endCursor: the messages after it." })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  after?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: `The newest messages (before \`before\`), 1 to ${MAX_THREAD_PAGE}, still oldest first within the page: a chat client opens with \`last\` and scrolls up with \`before: pageInfo.startCursor\`.`,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_THREAD_PAGE)
  last?: number | null;

  @Field(() => String, { nullable: true, description: "A page's pageInfo.startCursor: the messages before it." })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  before?: string | null;
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
    description: `Messages per page, 1 to ${MAX_THREAD_PAGE}. Deprecated: pass page arguments to \`thread\`, which wins when given any.`,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_THREAD_PAGE)
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "The previous page's thread.pageInfo.endCursor. Deprecated: use `thread(after:)`.",
  })
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
