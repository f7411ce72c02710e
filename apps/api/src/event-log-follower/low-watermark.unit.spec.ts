import type { Position } from '@helpdesk/event-store';
import { LowWatermark } from './low-watermark.js';

const at = (n: number): Position => ({ commit: BigInt(n), prepare: BigInt(n) });

describe('The checkpoint of an event log follower (low watermark)', () => {
  it('moves only over a prefix of settled work, whatever the order they settle in', () => {
    const watermark = new LowWatermark(at(1));
    const [a, b, c] = [watermark.track(at(2)), watermark.track(at(5)), watermark.track(at(9))];

    watermark.settle(c);
    watermark.settle(b);
    expect(watermark.position).toEqual(at(1));
    watermark.settle(a);
    expect(watermark.position).toEqual(at(9));
  });

  it('moves over positions scanned without work, but not past unsettled work', () => {
    const watermark = new LowWatermark(null);
    watermark.passed(at(3));
    expect(watermark.position).toEqual(at(3));
    const waiting = watermark.track(at(4));
    watermark.passed(at(8));
    expect(watermark.position).toEqual(at(3));
    watermark.settle(waiting);
    expect(watermark.position).toEqual(at(8));
  });
});
