import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { RebuildProgress } from '@helpdesk/projections/core/rebuild-progress.js';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';
import type { RebuildJob } from './projection-rebuilds.service.js';

export enum ProjectionRebuildStateModel {
  RUNNING = 'RUNNING',
  SWITCHED = 'SWITCHED',
  FAILED = 'FAILED',
  INTERRUPTED = 'INTERRUPTED',
}
registerEnumType(ProjectionRebuildStateModel, {
  name: 'ProjectionRebuildState',
  description:
    'RUNNING: filling its own tables while the live ones serve. SWITCHED: its tables serve now. FAILED: the projection threw (or another rebuild ran), nothing was switched. INTERRUPTED: stopped at shutdown; the next rebuild resumes it.',
});

export enum RebuildPhaseModel {
  CATCHING_UP = 'CATCHING_UP',
  SWITCHING = 'SWITCHING',
  SWITCHED = 'SWITCHED',
}
registerEnumType(RebuildPhaseModel, { name: 'RebuildPhase' });

@ObjectType('RebuildProgress', { description: 'What the rebuild reported after its latest batch.' })
export class RebuildProgressModel {
  @Field(() => RebuildPhaseModel)
  phase!: RebuildPhaseModel;

  @Field(() => Int, { description: '`$all` events this run read (a resumed run counts from where it resumed).' })
  eventsRead!: number;

  @Field(() => Int, { description: 'Events the projection handled in this build, across runs.' })
  eventsHandled!: number;

  @Field(() => Float, { description: 'How far through the log the build is, 0 to 1 (measured in log positions).' })
  fraction!: number;

  @Field(() => Float)
  eventsPerSecond!: number;

  @Field(() => Float, { nullable: true, description: 'Seconds left at the current rate; null until there is a rate.' })
  etaSeconds!: number | null;

  @Field({ description: 'This run resumed a build an earlier run left unfinished.' })
  resumed!: boolean;
}

@ObjectType('ProjectionRebuild', {
  description: 'A blue/green rebuild this API process started: the live tables serve until it switches in.',
})
export class ProjectionRebuildModel {
  @Field()
  projection!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => ProjectionRebuildStateModel)
  state!: ProjectionRebuildStateModel;

  @Field({ description: 'A build in progress was discarded instead of resumed.' })
  fresh!: boolean;

  @Field(() => Int, { nullable: true, description: 'The build number; null until its first batch.' })
  build!: number | null;

  @Field(() => RebuildProgressModel, { nullable: true, description: 'Null until the first batch.' })
  progress!: RebuildProgressModel | null;

  @Field(() => String, { nullable: true, description: 'Why it failed.' })
  error!: string | null;

  @Field(() => DateTimeScalar)
  startedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: string | null;
}

export function projectionRebuildModel(job: RebuildJob): ProjectionRebuildModel {
  return {
    projection: job.projection,
    version: job.version,
    state: STATES[job.state],
    fresh: job.fresh,
    build: job.build,
    progress: job.progress && progressModel(job.progress),
    error: job.error,
    startedAt: job.startedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

const STATES: Record<RebuildJob['state'], ProjectionRebuildStateModel> = {
  running: ProjectionRebuildStateModel.RUNNING,
  switched: ProjectionRebuildStateModel.SWITCHED,
  failed: ProjectionRebuildStateModel.FAILED,
  interrupted: ProjectionRebuildStateModel.INTERRUPTED,
};

const PHASES: Record<RebuildProgress['phase'], RebuildPhaseModel> = {
  catching_up: RebuildPhaseModel.CATCHING_UP,
  switching: RebuildPhaseModel.SWITCHING,
  switched: RebuildPhaseModel.SWITCHED,
};

function progressModel(progress: RebuildProgress): RebuildProgressModel {
  const { eventsRead, eventsHandled, fraction, eventsPerSecond, etaSeconds, resumed } = progress;
  return { phase: PHASES[progress.phase], eventsRead, eventsHandled, fraction, eventsPerSecond, etaSeconds, resumed };
}

const PROJECTION_NAME = 'A projection name, as the `projections` query lists them.';

@ArgsType()
export class ProjectionNameArgs {
  @Field({ description: PROJECTION_NAME })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;
}

@ArgsType()
export class RebuildProjectionArgs extends ProjectionNameArgs {
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Discard a build in progress (e.g. one interrupted at shutdown) instead of resuming it.',
  })
  @IsOptional()
  @IsBoolean()
  fresh?: boolean | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Events per committed batch (default 1000), as `helpdesk projections rebuild --batch-size`.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  batchSize?: number | null;
}
