import { Module } from '@nestjs/common';
import { SessionExpiryService } from '@helpdesk/commands/conversation/session-expiry/session-expiry.service.js';
import { SESSION_DUE_INDEX } from '@helpdesk/commands/conversation/session-expiry/session-due-index.js';
import { SESSION_EXPIRY_TIMERS, systemTimers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import { sessionExpiryProjection } from '@helpdesk/projections/session-expiry/index.js';
import { ReadStore } from '@helpdesk/read-store';
import { ProjectionsService } from '../projections/projections.service.js';
import { ReadModelSessionDueIndex } from './read-model-session-due-index.js';

/**
 * Closes WhatsApp sessions at their expiry, reading the due ones from the `session_expiry` read
 * model (kept by the projections in this process, or by the projector worker).
 */
@Module({
  providers: [
    { provide: SESSION_EXPIRY_TIMERS, useValue: systemTimers },
    {
      provide: SESSION_DUE_INDEX,
      inject: [ReadStore, ProjectionsService],
      useFactory: (readStore: ReadStore, projections: ProjectionsService) =>
        new ReadModelSessionDueIndex(readStore.db, () =>
          projections.whenProjectionCaughtUp(sessionExpiryProjection.name),
        ),
    },
    SessionExpiryService,
  ],
})
export class SessionExpiryModule {}
