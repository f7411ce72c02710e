import { ArgsType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

@ObjectType('ConversationExport', {
  description:
    "A conversation's events as `helpdesk export conversation` writes them (NDJSON, SHA-256 hash chain, summary line), quarantined content hidden.",
})
export class ConversationExportModel {
  @Field(() => ID)
  conversationId!: string;

  @Field({ description: "The summary line's scope, `conversation <id>`." })
  scope!: string;

  @Field(() => Int, { description: 'Event lines.' })
  count!: number;

  @Field({ description: "The last line's hash: keep it apart from the file to detect a rewritten chain." })
  lastHash!: string;

  @Field(() => Int, { description: 'Events whose message content is replaced by the quarantine placeholder.' })
  hiddenEvents!: number;

  @Field({ description: 'One JSON object per line: every event (stream, revision, position, id, type, data, metadata, created, prevHash, hash), then the summary.' })
  ndjson!: string;
}

@ObjectType('ExportVerification', { description: 'An export checked against its chain and against the store, as `helpdesk export verify` does.' })
export class ExportVerificationModel {
  @Field({ description: 'The chain holds and every event matches the store.' })
  ok!: boolean;

  @Field(() => Int, { nullable: true, description: 'Events verified, when ok.' })
  count!: number | null;

  @Field(() => String, { nullable: true, description: "The chain's last hash, when ok." })
  lastHash!: string | null;

  @Field(() => Int, { nullable: true, description: 'The first line (1-based) that does not hold, when not ok.' })
  line!: number | null;

  @Field(() => String, { nullable: true, description: 'What is wrong with that line.' })
  problem!: string | null;
}

@ArgsType()
export class ConversationExportArgs {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  conversationId!: string;
}

@ArgsType()
export class VerifyExportArgs {
  @Field({ description: 'An export as conversationExport returned it (the request body is limited to 1 MiB).' })
  @IsString()
  @IsNotEmpty()
  ndjson!: string;
}
