import { canonicalJson, compareReadModels, diffJson } from './drift-check.js';

const row = (id: string, document: unknown) => ({ id, document: JSON.stringify(document) });

describe('compareReadModels', () => {
  it('is equal regardless of row order and key order', () => {
    const expected = { tickets: [row('a', { x: 1, y: [1, 2] }), row('b', { z: null })], meta: [] };
    const actual = { tickets: [row('b', { z: null }), { id: 'a', document: '{"y":[1,2],"x":1}' }], meta: [] };
    const report = compareReadModels(expected, actual);
    expect(report.equal).toBe(true);
    expect(report.tables.map((table) => [table.table, table.expectedRows, table.actualRows])).toEqual([
      ['tickets', 2, 2],
      ['meta', 0, 0],
    ]);
  });

  it('reports missing, extra and differing rows with the first difference', () => {
    const expected = { tickets: [row('a', { status: 'open', n: 1 }), row('b', {}), row('c', { tags: ['x'] })] };
    const actual = { tickets: [row('a', { status: 'closed', n: 1 }), row('c', { tags: ['x', 'y'] }), row('d', {})] };
    const report = compareReadModels(expected, actual);
    expect(report.equal).toBe(false);
    expect(report.tables[0]).toMatchObject({
      table: 'tickets',
      missing: ['b'],
      extra: ['d'],
      differing: ['a', 'c'],
      firstDifference: { id: 'a', differences: [{ path: '$.status', expected: '"open"', actual: '"closed"' }] },
    });
  });

  it('treats a table present on one side only as all missing or all extra', () => {
    const report = compareReadModels({ tickets: [row('a', {})] }, { other: [row('b', {})] });
    expect(report.tables).toEqual([
      expect.objectContaining({ table: 'tickets', missing: ['a'], extra: [] }),
      expect.objectContaining({ table: 'other', missing: [], extra: ['b'] }),
    ]);
  });

  it('compares documents that are not JSON as text', () => {
    expect(
      compareReadModels({ t: [{ id: 'a', document: 'not json' }] }, { t: [{ id: 'a', document: 'not json' }] }).equal,
    ).toBe(true);
    expect(
      compareReadModels({ t: [{ id: 'a', document: 'not json' }] }, { t: [{ id: 'a', document: '{}' }] }).equal,
    ).toBe(false);
  });

  it('limits the differences listed', () => {
    const many = Object.fromEntries(
      Array.from({ length: 20 }, (_, index) => [`k${String(index).padStart(2, '0')}`, index]),
    );
    const report = compareReadModels({ t: [row('a', many)] }, { t: [row('a', {})] }, 3);
    expect(report.tables[0].firstDifference?.differences.map((difference) => difference.path)).toEqual([
      '$.k00',
      '$.k01',
      '$.k02',
    ]);
  });
});

describe('diffJson', () => {
  it('names paths into objects and arrays, and absent values', () => {
    expect(diffJson({ a: { b: [1, 2] }, 'odd key': 1 }, { a: { b: [1, 3, 4] }, c: true })).toEqual([
      { path: '$.a.b[1]', expected: '2', actual: '3' },
      { path: '$.a.b[2]', expected: '(absent)', actual: '4' },
      { path: '$.c', expected: '(absent)', actual: 'true' },
      { path: '$["odd key"]', expected: '1', actual: '(absent)' },
    ]);
  });

  it('reports a change of kind at the path itself', () => {
    expect(diffJson({ a: [1] }, { a: { 0: 1 } })).toEqual([{ path: '$.a', expected: '[1]', actual: '{"0":1}' }]);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ f: 1, e: 2 }], c: undefined } })).toBe('{"a":{"d":[{"e":2,"f":1}]},"b":1}');
  });
});
