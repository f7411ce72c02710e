import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { exportConversation, verifyExport } from './auditor-export.js';
import type { ConversationExportModel, ExportVerificationModel } from './conversation-export.models.js';
import { readPortalConversation } from './portal-conversation.js';

/** A conversation of the portal as an auditor's export; null when it does not exist or belongs to another portal. */
export class ExportConversationQuery extends Query<ConversationExportModel | null> {
  constructor(
    readonly portalId: string,
    readonly conversationId: string,
  ) {
    super();
  }
}

/** An export checked against its chain and the portal's conversations in the store. */
export class VerifyConversationExportQuery extends Query<ExportVerificationModel> {
  constructor(
    readonly portalId: string,
    readonly ndjson: string,
  ) {
    super();
  }
}

@QueryHandler(ExportConversationQuery)
export class ExportConversationHandler implements IQueryHandler<ExportConversationQuery, ConversationExportModel | null> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ portalId, conversationId }: ExportConversationQuery): Promise<ConversationExportModel | null> {
    const events = await readPortalConversation(this.store, portalId, conversationId);
    return events && { conversationId, ...exportConversation(conversationId, events) };
  }
}

@QueryHandler(VerifyConversationExportQuery)
export class VerifyConversationExportHandler implements IQueryHandler<VerifyConversationExportQuery, ExportVerificationModel> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ portalId, ndjson }: VerifyConversationExportQuery): Promise<ExportVerificationModel> {
    const verification = await verifyExport(this.store, portalId, ndjson);
    return verification.ok
      ? { ok: true, count: verification.count, lastHash: verification.lastHash, line: null, problem: null }
      : { ok: false, count: null, lastHash: null, line: verification.line, problem: verification.problem };
  }
}
