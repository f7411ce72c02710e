import { Module } from '@nestjs/common';
import { ExportConversationHandler, VerifyConversationExportHandler } from './conversation-export.queries.js';
import { ConversationExportResolver } from './conversation-export.resolver.js';
import {
  GetConversationHistoryHandler,
  GetInboxBacklogHandler,
  GetProjectionStatusesHandler,
} from './operations.queries.js';
import { ConversationHistoryResolver, ProjectionStatusResolver } from './operations.resolver.js';
import { CheckProjectionDriftHandler } from './projection-drift.query.js';
import { ProjectionOperationsResolver } from './projection-operations.resolver.js';
import { ProjectionRebuilds } from './projection-rebuilds.service.js';

/**
 * Operators' and auditors' GraphQL surface, as the `helpdesk` CLI: projection status, rebuild and
 * drift check (operators), conversation history and hash-chained export (auditors).
 */
@Module({
  providers: [
    ProjectionRebuilds,
    GetProjectionStatusesHandler,
    GetInboxBacklogHandler,
    CheckProjectionDriftHandler,
    ProjectionStatusResolver,
    ProjectionOperationsResolver,
    GetConversationHistoryHandler,
    ExportConversationHandler,
    VerifyConversationExportHandler,
    ConversationHistoryResolver,
    ConversationExportResolver,
  ],
})
export class OperationsApiModule {}
