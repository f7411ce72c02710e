import type { RecordedEvent } from '@helpdesk/event-store';
import { revealsBy, userActorId, visibleReveals } from './reveals.js';

let revision = 0n;
function reveal(messageId: string, actor: string, revealedAt: string, reason = 'case 1'): RecordedEvent {
  const position = { commit: revision, prepare: revision };
  return {
    id: `id-${revision}`,
    type: 'QuarantinedContentRevealed',
    data: { messageId, reason, revealedAt },
    metadata: { actorId: actor },
    streamName: 'conversation-c',
    revision: revision++,
    position,
    created: new Date(revealedAt),
  };
}

const HOUR = 3_600_000;
const auditor1 = userActorId('auditor-1');

describe('reveals', () => {
  const events = [
    reveal('m1', auditor1, '2025-03-10T09:00:00.000Z', 'first look'),
    reveal('m2', userActorId('auditor-2'), '2025-03-10T09:00:00.000Z'),
    reveal('m1', auditor1, '2025-03-11T09:00:00.000Z', 'second look'),
    reveal('m3', auditor1, '2025-03-10T10:00:00.000Z'),
  ];

  it("keeps each message's latest reveal by that actor, whoever else revealed what", () => {
    expect(userActorId('auditor-1')).toBe('user:auditor-1');
    expect([...revealsBy(events, auditor1)]).toEqual([
      ['m1', { by: auditor1, at: '2025-03-11T09:00:00.000Z', reason: 'second look' }],
      ['m3', { by: auditor1, at: '2025-03-10T10:00:00.000Z', reason: 'case 1' }],
    ]);
  });

  it('shows a reveal to its auditor from its instant until the window has passed, not after, not before', () => {
    const at = (iso: string) => [
      ...visibleReveals(events, { actorId: auditor1, now: new Date(iso), visibleForMs: 24 * HOUR }).keys(),
    ];
    expect(at('2025-03-10T09:30:00.000Z')).toEqual(['m1']);
    expect(at('2025-03-11T09:59:59.999Z')).toEqual(['m1', 'm3']);
    expect(at('2025-03-11T10:00:00.000Z')).toEqual(['m1']);
    expect(at('2025-03-12T09:00:00.000Z')).toEqual([]);
    // Before any reveal was recorded (a clock set back), nothing.
    expect(at('2025-03-10T08:00:00.000Z')).toEqual([]);
    expect(
      visibleReveals(events, {
        actorId: 'user:auditor-3',
        now: new Date('2025-03-10T09:30:00.000Z'),
        visibleForMs: HOUR,
      }).size,
    ).toBe(0);
  });
});
