import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { formatStateSummary, buildReplay, userActorId, visibleReveals } from '@helpdesk/audit';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { CLOCK, type Clock } from '@helpdesk/commands/shared/clock.js';
import { isMissingTable } from '@helpdesk/projections/core/drift-check.js';
import type { Projection } from '@helpdesk/projections/core/projection.js';
import {
  LAG_COUNT_CAP,
  type StoredProjectionStatus,
  readProjectionStatuses,
} from '@helpdesk/projections/core/projection-status.js';
import { readInboxBacklog, readInboxProcessorCheckpoint } from '@helpdesk/projections/core/inbox-backlog.js';
import type { ProjectionStatus as LiveProjectionStatus } from '@helpdesk/projections/core/projection-runner.js';
import type { ReadDatabase } from '@helpdesk/projections/core/read-model-schema.js';
import { type RebuildState, listRebuilds, liveBuild } from '@helpdesk/projections/core/rebuild-registry.js';
import { formatPosition } from '../graphql/positions.js';
import { ProjectionsService } from '../projections/projections.service.js';
import {
  type HistoryEntryModel,
  type InboxBacklogModel,
  type PendingRebuildModel,
  PendingRebuildStateModel,
  ProjectionStateModel,
  type ProjectionStatusModel,
} from './operations.models.js';
import { projectionRebuildModel } from './projection-rebuild.models.js';
import { ProjectionRebuilds } from './projection-rebuilds.service.js';
import { readPortalConversation } from './portal-conversation.js';

/**
 * Every projection the service runs: live state from the projection group, checkpoint, lag, rows, rules and
 * rebuilds from the stores, and the progress of a rebuild this process runs.
 */
export class GetProjectionStatusesQuery extends Query<ProjectionStatusModel[]> {}

/** The webhook payloads stored and not yet processed, service-wide (every portal's share one inbox). */
export class GetInboxBacklogQuery extends Query<InboxBacklogModel> {}

@QueryHandler(GetInboxBacklogQuery)
export class GetInboxBacklogHandler implements IQueryHandler<GetInboxBacklogQuery, InboxBacklogModel> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(): Promise<InboxBacklogModel> {
    const backlog = await readInboxBacklog(this.store, await readInboxProcessorCheckpoint(this.store), LAG_COUNT_CAP);
    return {
      payloads: backlog.payloads,
      capped: backlog.capped,
      oldestReceivedAt: backlog.oldestReceivedAt,
      processedUpTo: backlog.processedUpTo && formatPosition(backlog.processedUpTo),
    };
  }
}

/** A conversation's events as an auditor replays them; null when it does not exist or belongs to another portal. */
export class GetConversationHistoryQuery extends Query<HistoryEntryModel[] | null> {
  constructor(
    readonly portalId: string,
    /** The auditor asking: content they revealed themselves, recently, is shown. */
    readonly userId: string,
    readonly conversationId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}

@QueryHandler(GetProjectionStatusesQuery)
export class GetProjectionStatusesHandler implements IQueryHandler<
  GetProjectionStatusesQuery,
  ProjectionStatusModel[]
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly projections: ProjectionsService,
    private readonly rebuilds: ProjectionRebuilds,
  ) {}

  async execute(): Promise<ProjectionStatusModel[]> {
    const projections = this.projections.projections;
    const stored = await readProjectionStatuses(this.store, this.readStore.db, projections);
    const live = this.projections.mode === 'in-process' ? this.projections.statuses() : [];
    const models: ProjectionStatusModel[] = [];
    for (const [index, status] of stored.entries()) {
      const runner = live.find((candidate) => candidate.name === status.name && candidate.version === status.version);
      const job = this.rebuilds.latest(status.name);
      models.push({
        ...projectionStatusModel(status, runner),
        liveBuild: await liveBuildOf(this.readStore.db, projections[index]),
        rebuild: job && projectionRebuildModel(job),
      });
    }
    return models;
  }
}

/** The build whose tables serve, from the rebuild registry; null while the registry does not exist. */
async function liveBuildOf(db: ReadDatabase, projection: Projection): Promise<number | null> {
  try {
    return liveBuild(await listRebuilds(db, projection))?.build ?? null;
  } catch (error) {
    if (isMissingTable(error)) return null;
    throw error;
  }
}

function projectionStatusModel(
  stored: StoredProjectionStatus,
  live: LiveProjectionStatus | undefined,
): Omit<ProjectionStatusModel, 'liveBuild' | 'rebuild'> {
  const caughtUp = stored.lagEvents === 0;
  const lastError = live ? live.lastError : stored.lastError;
  return {
    name: stored.name,
    version: stored.version,
    state: live
      ? LIVE_STATES[live.state]
      : lastError
        ? ProjectionStateModel.FAILED
        : caughtUp
          ? ProjectionStateModel.LIVE
          : ProjectionStateModel.CATCHING_UP,
    position: stored.position && formatPosition(stored.position),
    eventsHandled: stored.eventsHandled,
    lagEvents: stored.lagEvents,
    lagCapped: stored.lagCapped,
    lagSeconds: caughtUp ? null : stored.lagSeconds,
    lastError,
    rows: Object.entries(stored.rows).map(([table, rows]) => ({ table, rows })),
    rulesVersion: stored.rulesVersion,
    currentRulesVersion: stored.currentRulesVersion,
    stale: stored.stale,
    pendingRebuild: pendingRebuildModel(stored.pendingRebuild),
  };
}

function pendingRebuildModel(pending: StoredProjectionStatus['pendingRebuild']): PendingRebuildModel | null {
  if (!pending || pending.state === 'switched') return null;
  return {
    build: pending.build,
    state: PENDING_STATES[pending.state],
    startedAt: pending.startedAt,
    error: pending.error,
  };
}

const PENDING_STATES: Record<Exclude<RebuildState, 'switched'>, PendingRebuildStateModel> = {
  building: PendingRebuildStateModel.BUILDING,
  failed: PendingRebuildStateModel.FAILED,
  abandoned: PendingRebuildStateModel.ABANDONED,
};

const LIVE_STATES: Record<LiveProjectionStatus['state'], ProjectionStateModel> = {
  stopped: ProjectionStateModel.STOPPED,
  catching_up: ProjectionStateModel.CATCHING_UP,
  live: ProjectionStateModel.LIVE,
  failed: ProjectionStateModel.FAILED,
};

@QueryHandler(GetConversationHistoryQuery)
export class GetConversationHistoryHandler implements IQueryHandler<
  GetConversationHistoryQuery,
  HistoryEntryModel[] | null
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({
    portalId,
    userId,
    conversationId,
    asOf,
  }: GetConversationHistoryQuery): Promise<HistoryEntryModel[] | null> {
    const events = await readPortalConversation(this.store, portalId, conversationId);
    if (events === null) return null;
    // The CLI replay without --reveal: quarantined content hidden in every event, except the
    // messages this auditor revealed within the window, each marked with that reveal.
    const viewer = { actorId: userActorId(userId), now: this.clock.now(), visibleForMs: this.config.revealVisibleMs };
    const revealed = visibleReveals(events, viewer);
    return buildReplay(events, { ...(asOf && { asOf }), reveal: false, revealed }).map((row) => ({
      revision: row.revision,
      created: row.created,
      type: row.type,
      actor: row.actor,
      ruleVersion: row.ruleVersion,
      correlationId: row.correlationId,
      causationId: row.causationId,
      data: JSON.stringify(row.data ?? null),
      state: formatStateSummary(row.state),
      revealed: row.revealed ?? null,
    }));
  }
}
