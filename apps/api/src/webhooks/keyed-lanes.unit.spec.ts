import { KeyedLanes } from './keyed-lanes.js';

function gate(): { readonly opened: Promise<void>; open(): void } {
  let open = () => undefined as void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('KeyedLanes', () => {
  it('runs tasks of one key in the order given, tasks of other keys alongside', async () => {
    const lanes = new KeyedLanes(8);
    const log: string[] = [];
    const first = gate();
    const a1 = lanes.run(['a'], async () => {
      await first.opened;
      log.push('a1');
    });
    const a2 = lanes.run(['a', 'c'], async () => void log.push('a2'));
    const b1 = lanes.run(['b'], async () => void log.push('b1'));
    const c1 = lanes.run(['c'], async () => void log.push('c1'));
    await b1;
    expect(log).toEqual(['b1']);
    first.open();
    await Promise.all([a1, a2, c1]);
    expect(log).toEqual(['b1', 'a1', 'a2', 'c1']);
  });

  it('goes on with a key after one of its tasks failed', async () => {
    const lanes = new KeyedLanes(8);
    const failed = lanes.run(['a'], async () => {
      throw new Error('boom');
    });
    await expect(failed).rejects.toThrow('boom');
    await expect(lanes.run(['a'], async () => undefined)).resolves.toBeUndefined();
  });

  it('lets no more than its limit start before one finishes', async () => {
    const lanes = new KeyedLanes(2);
    const blocker = gate();
    await lanes.slot();
    const one = lanes.run(['a'], () => blocker.opened);
    await lanes.slot();
    const two = lanes.run(['b'], () => blocker.opened);
    let third = false;
    const slot = lanes.slot().then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    blocker.open();
    await Promise.all([one, two, slot]);
    expect(third).toBe(true);
  });
});
