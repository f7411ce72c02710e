import { conversationIdFromStreamName } from '@helpdesk/domain';
import type { RecordedEvent } from '@helpdesk/event-store';

export interface TrackedSession {
  readonly conversationId: string;
  readonly portalId: string;
  readonly sessionId: string;
  readonly expiresAt: number;
}

interface SessionEventData {
  readonly sessionId: string;
  readonly expiresAt?: string;
}

/** The sessions not closed yet, one per conversation, as the session events tell them. */
export class OpenSessions {
  private readonly byConversation = new Map<string, TrackedSession>();

  apply(event: RecordedEvent): void {
    const conversationId = conversationIdFromStreamName(event.streamName);
    const portalId = event.metadata.tenantId;
    if (conversationId === null || portalId === undefined) return;
    const data = event.data as SessionEventData;
    if (event.type === 'SessionClosed') {
      if (this.byConversation.get(conversationId)?.sessionId === data.sessionId)
        this.byConversation.delete(conversationId);
    } else if (data.expiresAt !== undefined) {
      const expiresAt = Date.parse(data.expiresAt);
      this.byConversation.set(conversationId, { conversationId, portalId, sessionId: data.sessionId, expiresAt });
    }
  }

  /** Expiry at `now` exactly counts: 24 hours after the last message the session is closed. */
  overdue(now: Date): TrackedSession[] {
    return [...this.byConversation.values()].filter((session) => session.expiresAt <= now.getTime());
  }

  nextExpiry(): number | null {
    let next: number | null = null;
    for (const session of this.byConversation.values()) {
      if (next === null || session.expiresAt < next) next = session.expiresAt;
    }
    return next;
  }

  /** Only if unchanged: a restart seen meanwhile must stay tracked. */
  forget(session: TrackedSession): void {
    const current = this.byConversation.get(session.conversationId);
    if (current?.sessionId === session.sessionId && current.expiresAt === session.expiresAt) {
      this.byConversation.delete(session.conversationId);
    }
  }
}
