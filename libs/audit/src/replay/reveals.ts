import type { RecordedEvent } from '@helpdesk/event-store';

/** A recorded reveal, as history and export name it next to the content it showed. */
export interface RevealMark {
  /** The actor as the event's metadata records it (`user:<id>`). */
  readonly by: string;
  /** When it was recorded, by the service's clock (the event's `revealedAt`). */
  readonly at: string;
  readonly reason: string;
}

/** Who is looking, and when: content is shown only under their own recent reveal. */
export interface RevealViewer {
  /** The actor id a reveal of theirs carries (`user:<id>`). */
  readonly actorId: string;
  readonly now: Date;
  /** How long after a reveal its auditor sees the content. */
  readonly visibleForMs: number;
}

/** The actor id the command shell records for a user (`metadata.actorId`). */
export const userActorId = (userId: string): string => `user:${userId}`;

/** Each message's latest reveal by this actor among the events, recorded at or before `until` when given. */
export function revealsBy(events: Iterable<RecordedEvent>, actorId: string, until?: Date): Map<string, RevealMark> {
  const reveals = new Map<string, RevealMark>();
  for (const event of events) {
    if (event.type !== 'QuarantinedContentRevealed' || event.metadata.actorId !== actorId) continue;
    const data = event.data as { messageId?: unknown; reason?: unknown; revealedAt?: unknown };
    if (typeof data.messageId !== 'string') continue;
    const at = typeof data.revealedAt === 'string' ? data.revealedAt : event.created.toISOString();
    if (until && !(Date.parse(at) <= until.getTime())) continue;
    reveals.set(data.messageId, { by: actorId, at, reason: String(data.reason ?? '') });
  }
  return reveals;
}

/**
 * The messages whose content this viewer sees now: those they revealed themselves, at most
 * `visibleForMs` ago. Another auditor's reveal shows nothing: each access is a recorded act of its own.
 */
export function visibleReveals(events: Iterable<RecordedEvent>, viewer: RevealViewer): Map<string, RevealMark> {
  const visible = new Map<string, RevealMark>();
  const now = viewer.now.getTime();
  for (const [messageId, mark] of revealsBy(events, viewer.actorId, viewer.now)) {
    if (now - Date.parse(mark.at) < viewer.visibleForMs) visible.set(messageId, mark);
  }
  return visible;
}
