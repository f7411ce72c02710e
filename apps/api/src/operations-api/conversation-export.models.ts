import { ArgsType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** The most an export given to verifyConversationExport may be: the request body limit (1 MiB). */
export const MAX_VERIFY_NDJSON_LENGTH = 1024 * 1024;

@ObjectType('ConversationExport', {
  description:
    "A conversation's events as `helpdesk export conversation` writes them (NDJSON, SHA-256 hash chain, Ed25519-signed trailer), quarantined content hidden.",
})
export class ConversationExportModel {
  @Field(() => ID)
  conversationId!: string;

  @Field({ description: "The trailer's scope, `conversation <id>`." })
  scope!: string;

  @Field(() => Int, { description: 'Event lines.' })
  count!: number;

  @Field({ description: "The last line's hash, which the signed trailer records as `headHash`." })
  lastHash!: string;

  @Field({
    description:
      'The signing key (`ed25519:<fingerprint>`): verify offline with its public key, `helpdesk export public-key`.',
  })
  keyId!: string;

  @Field(() => Int, { description: 'Events whose message content is replaced by the quarantine placeholder.' })
  hiddenEvents!: number;

  @Field(() => Int, {
    description:
      'Events whose quarantined content is shown because you revealed it within REVEAL_VISIBLE_HOURS; their lines carry `revealed` { by, at, reason }.',
  })
  revealedEvents!: number;

  @Field({
    description:
      'One JSON object per line: every event (stream, revision, position, id, type, data, metadata, created, revealed when shown under your reveal, prevHash, hash), then the signed trailer (format, scope, count, first, last, headHash, alg, keyId, signature).',
  })
  ndjson!: string;
}

@ObjectType('ExportVerification', {
  description: 'An export checked against its chain, its signature and the store, as `helpdesk export verify` does.',
})
export class ExportVerificationModel {
  @Field({ description: 'The chain holds, the trailer is signed by this service and every event matches the store.' })
  ok!: boolean;

  @Field(() => Int, { nullable: true, description: 'Events verified, when ok.' })
  count!: number | null;

  @Field(() => String, { nullable: true, description: "The chain's last hash, when ok." })
  lastHash!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The export's scope (`conversation <id>` or `portal <id>`), when ok.",
  })
  scope!: string | null;

  @Field(() => String, { nullable: true, description: 'The key that signed it, when ok.' })
  keyId!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'What is wrong, when not ok: malformed, chain, truncated, count, trailer, unsigned, unknown-key, signature, scope, not-in-store, missing, extra, duplicate, reordered, mismatch or field.',
  })
  kind!: string | null;

  @Field(() => Int, { nullable: true, description: 'The first line (1-based) that does not hold, when not ok.' })
  line!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'The field that differs from the store (`created`, `metadata.actorId`, ...), when kind is field.',
  })
  field!: string | null;

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
  @Field({
    description:
      'An export as conversationExport or `helpdesk export` wrote it (at most 1 MiB, the request body limit).',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_VERIFY_NDJSON_LENGTH)
  ndjson!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The conversation the export must be of: a genuine export of another is refused (kind scope).',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  conversationId?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'The export must be of your whole portal (`helpdesk export portal`): any other is refused (kind scope).',
  })
  @IsOptional()
  @IsBoolean()
  ofPortal?: boolean | null;
}
