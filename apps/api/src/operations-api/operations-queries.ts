import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { conversationStreamName } from '@helpdesk/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent, StreamNotFoundError } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { formatStateSummary } from '../../../cli/src/replay/format-replay-table.js';
import { buildReplay } from '../../../cli/src/replay/replay-model.js';
import { type StoredProjectionStatus, readProjectionStatuses } from '../../../../projections/core/projection-status.js';
import type { ProjectionStatus as LiveProjectionStatus } from '../../../../projections/core/projection-runner.js';
import { formatPosition } from '../graphql/positions.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { REGISTERED_PROJECTIONS } from '../projections/registered-projections.js';
import { type HistoryEntryModel, ProjectionStateModel, type ProjectionStatusModel } from './operations.models.js';

/** Every registered projection's status: live state from the runners, checkpoint, lag and rows from the stores. */
export class GetProjectionStatusesQuery extends Query<ProjectionStatusModel[]> {}

/** A conversation's events as an auditor replays them; null when it does not exist or belongs to another portal. */
export class GetConversationHistoryQuery extends Query<HistoryEntryModel[] | null> {
  constructor(
    readonly portalId: string,
    readonly conversationId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}

@QueryHandler(GetProjectionStatusesQuery)
export class GetProjectionStatusesHandler implements IQueryHandler<GetProjectionStatusesQuery, ProjectionStatusModel[]> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly projections: ProjectionsService,
  ) {}

  async execute(): Promise<ProjectionStatusModel[]> {
    const stored = await readProjectionStatuses(this.store, this.readStore.db, REGISTERED_PROJECTIONS);
    const live = this.projections.mode === 'in-process' ? this.projections.statuses() : [];
    return stored.map((status) => projectionStatusModel(status, live.find((runner) => runner.name === status.name && runner.version === status.version)));
  }
}

function projectionStatusModel(stored: StoredProjectionStatus, live: LiveProjectionStatus | undefined): ProjectionStatusModel {
  const caughtUp = stored.lagEvents === 0;
  const lastError = live ? live.lastError : stored.lastError;
  return {
    name: stored.name,
    version: stored.version,
    state: live ? LIVE_STATES[live.state] : lastError ? ProjectionStateModel.FAILED : caughtUp ? ProjectionStateModel.LIVE : ProjectionStateModel.CATCHING_UP,
    position: stored.position && formatPosition(stored.position),
    eventsHandled: stored.eventsHandled,
    lagEvents: stored.lagEvents,
    lagCapped: stored.lagCapped,
    lagSeconds: caughtUp ? null : stored.lagSeconds,
    lastError,
    rows: Object.entries(stored.rows).map(([table, rows]) => ({ table, rows })),
  };
}

const LIVE_STATES: Record<LiveProjectionStatus['state'], ProjectionStateModel> = {
  stopped: ProjectionStateModel.STOPPED,
  catching_up: ProjectionStateModel.CATCHING_UP,
  live: ProjectionStateModel.LIVE,
  failed: ProjectionStateModel.FAILED,
};

@QueryHandler(GetConversationHistoryQuery)
export class GetConversationHistoryHandler implements IQueryHandler<GetConversationHistoryQuery, HistoryEntryModel[] | null> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ portalId, conversationId, asOf }: GetConversationHistoryQuery): Promise<HistoryEntryModel[] | null> {
    const events = await this.readConversation(conversationStreamName(conversationId));
    if (events === null || portalOf(events) !== portalId) return null;
    // Exactly the CLI replay, without --reveal: quarantined content hidden in every event.
    return buildReplay(events, { ...(asOf && { asOf }), reveal: false }).map((row) => ({
      revision: row.revision,
      created: row.created,
      type: row.type,
      actor: row.actor,
      ruleVersion: row.ruleVersion,
      correlationId: row.correlationId,
      causationId: row.causationId,
      data: JSON.stringify(row.data ?? null),
      state: formatStateSummary(row.state),
    }));
  }

  private async readConversation(stream: string): Promise<RecordedEvent[] | null> {
    const events: RecordedEvent[] = [];
    try {
      for await (const event of this.store.readStream(stream)) events.push(event);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
    return events.length > 0 ? events : null;
  }
}

/** The portal the conversation belongs to, as ConversationStarted records it. */
function portalOf(events: readonly RecordedEvent[]): string | undefined {
  const started = events.find((event) => event.type === 'ConversationStarted');
  return (started?.data as { portalId?: string } | undefined)?.portalId ?? started?.metadata.tenantId;
}
