import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';
import { ProjectionRebuildModel } from './projection-rebuild.models.js';

/** Where a projection's runner is: live follows `$all` as it grows; failed stopped on an error. */
export enum ProjectionStateModel {
  STOPPED = 'STOPPED',
  CATCHING_UP = 'CATCHING_UP',
  LIVE = 'LIVE',
  FAILED = 'FAILED',
}
registerEnumType(ProjectionStateModel, {
  name: 'ProjectionState',
  description:
    "A projection's runner state: the live runner's when projections run in the API, else told from its checkpoint.",
});

@ObjectType('ProjectionTableRows')
export class ProjectionTableRowsModel {
  @Field({ description: 'The logical table name.' })
  table!: string;

  @Field(() => Int, { nullable: true, description: 'Rows in the table; null when the table does not exist yet.' })
  rows!: number | null;
}

export enum PendingRebuildStateModel {
  BUILDING = 'BUILDING',
  FAILED = 'FAILED',
  ABANDONED = 'ABANDONED',
}
registerEnumType(PendingRebuildStateModel, {
  name: 'PendingRebuildState',
  description:
    'BUILDING: in progress, or interrupted (the next rebuild resumes it). FAILED: the projection threw, nothing was switched. ABANDONED: discarded for a fresh build.',
});

/** The latest rebuild recorded in the read store, when it did not switch in; whichever process ran it. */
@ObjectType('PendingRebuild')
export class PendingRebuildModel {
  @Field(() => Int)
  build!: number;

  @Field(() => PendingRebuildStateModel)
  state!: PendingRebuildStateModel;

  @Field(() => DateTimeScalar)
  startedAt!: string;

  @Field(() => String, { nullable: true })
  error!: string | null;
}

/** One read model, as an operator watches it: how far it got in `$all` and how far behind it is. */
@ObjectType('ProjectionStatus')
export class ProjectionStatusModel {
  @Field()
  name!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => ProjectionStateModel)
  state!: ProjectionStateModel;

  @Field(() => String, {
    nullable: true,
    description: 'The committed checkpoint, `commit:prepare`; null when it never committed a batch.',
  })
  position!: string | null;

  @Field(() => Int)
  eventsHandled!: number;

  @Field(() => Int, { description: '`$all` events after the checkpoint (counting stops at a cap, see lagCapped).' })
  lagEvents!: number;

  @Field({ description: 'lagEvents reached the cap: the real lag is at least that.' })
  lagCapped!: boolean;

  @Field(() => Float, {
    nullable: true,
    description: 'Seconds between the event at the checkpoint and the newest event; null when caught up or unknown.',
  })
  lagSeconds!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => [ProjectionTableRowsModel])
  rows!: ProjectionTableRowsModel[];

  @Field(() => Int, {
    nullable: true,
    description:
      "The build whose tables serve: 0 for the runner's own, then each rebuild switched in; null before the first run.",
  })
  liveBuild!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'The rules the serving tables were built under; null when unknown or rule-free.',
  })
  rulesVersion!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The rules the service projects under now; null for a rule-free projection.',
  })
  currentRulesVersion!: string | null;

  @Field({ description: 'Built under other rules than the current ones: a rebuild recomputes it.' })
  stale!: boolean;

  @Field(() => PendingRebuildModel, {
    nullable: true,
    description:
      'The latest recorded rebuild when it did not switch in (in progress, interrupted, failed or abandoned).',
  })
  pendingRebuild!: PendingRebuildModel | null;

  @Field(() => ProjectionRebuildModel, {
    nullable: true,
    description:
      "This service's latest rebuild of it, with live progress while it runs (see projectionRebuild); null if none since it started.",
  })
  rebuild!: ProjectionRebuildModel | null;
}

/** The recorded reveal under which quarantined content is shown to the auditor who recorded it. */
@ObjectType('Reveal')
export class RevealModel {
  @Field({ description: 'Who recorded the reveal, as the event records its actor (`user:<id>`).' })
  by!: string;

  @Field(() => DateTimeScalar, { description: 'When the reveal was recorded.' })
  at!: string;

  @Field({ description: 'The reason recorded with it.' })
  reason!: string;
}

/** One event of a conversation's stream, as an auditor replays it; quarantined content is hidden. */
@ObjectType('HistoryEntry')
export class HistoryEntryModel {
  @Field({ description: "The event's revision in the conversation's stream." })
  revision!: string;

  @Field(() => DateTimeScalar)
  created!: string;

  @Field()
  type!: string;

  @Field(() => String, { nullable: true })
  actor!: string | null;

  @Field(() => String, { nullable: true })
  ruleVersion!: string | null;

  @Field(() => String, { nullable: true })
  correlationId!: string | null;

  @Field(() => String, { nullable: true })
  causationId!: string | null;

  @Field({
    description:
      "The event's data as a JSON string; quarantined content replaced by a placeholder, unless you recorded its reveal within REVEAL_VISIBLE_HOURS (see revealed).",
  })
  data!: string;

  @Field(() => RevealModel, {
    nullable: true,
    description:
      "Set when this event's quarantined content is shown: your own reveal it is shown under. Null for everything else.",
  })
  revealed!: RevealModel | null;

  @Field({ description: 'The conversation after this event: ticket, session, message count, last message.' })
  state!: string;
}

/**
 * The WhatsApp webhook payloads stored (Meta heard 200) and not yet turned into commands. The
 * projections' lag does not show a burst: it is a few events in `$all` until processed.
 */
@ObjectType('InboxBacklog')
export class InboxBacklogModel {
  @Field(() => Int, { description: "Payloads after the inbox processor's checkpoint, counted up to a cap." })
  payloads!: number;

  @Field({ description: 'The count stopped at the cap: the real backlog is at least `payloads`.' })
  capped!: boolean;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the oldest unprocessed payload was received; null when there is none.',
  })
  oldestReceivedAt!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The processor's checkpoint in `$all` (`commit:prepare`); null when it never ran.",
  })
  processedUpTo!: string | null;
}
