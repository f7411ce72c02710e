import { specificationFor } from '../../../../test/support/decider-specification.js';
import type { CommandContext } from '../core/index.js';
import { VIEW_LIMITS, type ViewSlotCommand, type ViewSlotEvent, viewSlotsDecider } from './view-slots.js';

const spec = specificationFor(viewSlotsDecider);
const context: CommandContext = {
  portalId: 'portal-a',
  actor: { kind: 'user', id: 'anna' },
  now: new Date('2025-03-01T10:00:00.000Z'),
};
const reserve = (viewId: string, creatorId = 'anna'): ViewSlotCommand => ({
  type: 'ReserveViewSlot',
  data: { viewId, creatorId },
  context,
});
const release = (viewId: string): ViewSlotCommand => ({ type: 'ReleaseViewSlot', data: { viewId }, context });
const reserved = (viewId: string, creatorId = 'anna'): ViewSlotEvent => ({
  type: 'ViewSlotReserved',
  data: { viewId, portalId: 'portal-a', creatorId },
});
const released = (viewId: string): ViewSlotEvent => ({ type: 'ViewSlotReleased', data: { viewId } });

/** `count` views, `perCreator` each, by creators u-0, u-1, … */
function viewsBy(count: number, perCreator: number = VIEW_LIMITS.perCreator): ViewSlotEvent[] {
  return Array.from({ length: count }, (_, i) => reserved(`v-${i}`, `u-${Math.floor(i / perCreator)}`));
}

describe('View slots', () => {
  it('gives a view a slot while the portal and its creator are under their limits', () => {
    spec
      .given(viewsBy(VIEW_LIMITS.perPortal - 1))
      .when(reserve('new', 'zoe'))
      .then([reserved('new', 'zoe')]);
    spec
      .given(viewsBy(VIEW_LIMITS.perCreator - 1))
      .when(reserve('new', 'u-0'))
      .then([reserved('new', 'u-0')]);
  });

  it("refuses a view past its creator's limit, with the limit and its scope", () => {
    const refusal = spec
      .given(viewsBy(VIEW_LIMITS.perCreator))
      .when(reserve('new', 'u-0'))
      .thenRefuses('VIEW_LIMIT_REACHED', /50 custom views/);
    expect(refusal.details).toEqual({ limit: VIEW_LIMITS.perCreator, scope: 'user' });
    spec
      .given(viewsBy(VIEW_LIMITS.perCreator))
      .when(reserve('new', 'u-1'))
      .then([reserved('new', 'u-1')]);
  });

  it("refuses a view past the portal's limit, whoever creates it", () => {
    const refusal = spec
      .given(viewsBy(VIEW_LIMITS.perPortal))
      .when(reserve('new', 'zoe'))
      .thenRefuses('VIEW_LIMIT_REACHED', /500 custom views/);
    expect(refusal.details).toEqual({ limit: VIEW_LIMITS.perPortal, scope: 'portal' });
  });

  it('frees the slot of a released view, for its creator and the portal', () => {
    const full = viewsBy(VIEW_LIMITS.perPortal);
    spec
      .given([...full, released('v-3')])
      .when(reserve('new', 'zoe'))
      .then([reserved('new', 'zoe')]);
    spec
      .given([...full, released('v-3')])
      .when(reserve('new', 'u-0'))
      .then([reserved('new', 'u-0')]);
    spec
      .given([...full, released('v-3'), reserved('new', 'zoe')])
      .when(reserve('newer', 'zoe'))
      .thenRefuses('VIEW_LIMIT_REACHED');
  });

  it('counts another view of the same id once: reserving twice is a no-op, as is releasing a slot not taken', () => {
    spec
      .given([reserved('v-1')])
      .when(reserve('v-1'))
      .thenNothingHappens();
    spec
      .given([reserved('v-1'), released('v-1')])
      .when(release('v-1'))
      .thenNothingHappens();
    spec.given([]).when(release('never')).thenNothingHappens();
    spec
      .given([reserved('v-1')])
      .when(release('v-1'))
      .then([released('v-1')]);
  });

  it('does not free a slot twice when a release is repeated in history', () => {
    const full = [...viewsBy(VIEW_LIMITS.perPortal), released('v-0'), released('v-0'), reserved('new', 'zoe')];
    spec.given(full).when(reserve('newer', 'zoe')).thenRefuses('VIEW_LIMIT_REACHED');
  });
});
