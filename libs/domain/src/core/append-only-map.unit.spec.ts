import { AppendOnlyMap } from './append-only-map.js';

describe('AppendOnlyMap', () => {
  it('reads what was set, in first-set order, like a Map', () => {
    const map = AppendOnlyMap.empty<string, number>().set('a', 1).set('b', 2).set('a', 3);
    expect(map.get('a')).toBe(3);
    expect(map.has('b')).toBe(true);
    expect(map.has('c')).toBe(false);
    expect(map.size).toBe(2);
    expect([...map]).toEqual([
      ...new Map([
        ['a', 1],
        ['b', 2],
      ]).set('a', 3),
    ]);
    expect([...map.keys()]).toEqual(['a', 'b']);
    expect([...map.values()]).toEqual([3, 2]);
  });

  it('never changes a version once handed out, whatever is set after it', () => {
    const first = AppendOnlyMap.empty<string, number>().set('a', 1);
    const second = first.set('a', 2).set('b', 1);
    expect(first.get('a')).toBe(1);
    expect(first.has('b')).toBe(false);
    expect(first.size).toBe(1);
    expect([...first]).toEqual([['a', 1]]);
    expect(second.get('a')).toBe(2);
    expect(second.size).toBe(2);
  });

  it('branches from an older version without disturbing the newer one', () => {
    const base = AppendOnlyMap.empty<string, number>().set('a', 1);
    const newer = base.set('b', 2);
    const branch = base.set('c', 3).set('a', 4);
    expect([...branch]).toEqual([
      ['a', 4],
      ['c', 3],
    ]);
    expect([...newer]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect([...base]).toEqual([['a', 1]]);
    const afterBranch = newer.set('a', 5);
    expect([...afterBranch]).toEqual([
      ['a', 5],
      ['b', 2],
    ]);
    expect(branch.get('a')).toBe(4);
  });

  it('reads a value overwritten many times at every version', () => {
    const versions = [AppendOnlyMap.empty<string, number>()];
    for (let value = 0; value < 50; value++) versions.push(versions[versions.length - 1].set('key', value));
    versions.forEach((version, index) => expect(version.get('key')).toBe(index === 0 ? undefined : index - 1));
  });

  it('deletes a key from the new version only, and sets it again in its first place', () => {
    const before = AppendOnlyMap.empty<string, number>().set('a', 1).set('b', 2);
    const deleted = before.delete('a');
    expect(deleted.has('a')).toBe(false);
    expect(deleted.get('a')).toBeUndefined();
    expect(deleted.size).toBe(1);
    expect([...deleted]).toEqual([['b', 2]]);
    expect([...before]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    const again = deleted.set('a', 3);
    expect(again.size).toBe(2);
    expect([...again]).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
    expect(deleted.has('a')).toBe(false);
  });

  it('deletes nothing when the key is absent, and branches a delete from an older version', () => {
    const base = AppendOnlyMap.empty<string, number>().set('a', 1);
    expect(base.delete('z')).toBe(base);
    const newer = base.set('b', 2);
    const branch = base.delete('a');
    expect([...branch]).toEqual([]);
    expect(branch.size).toBe(0);
    expect([...newer]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect([...branch.set('c', 3)]).toEqual([['c', 3]]);
  });
});
