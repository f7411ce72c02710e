import { DocumentCache } from './document-cache.js';

describe('DocumentCache', () => {
  it('shows a batch its own changes, and keeps them only once the batch committed', () => {
    const cache = new DocumentCache({ capacity: 10 });
    cache.remember('t', 'a', { n: 1 });
    cache.change('t', 'a', { n: 2 });
    cache.change('t', 'b', { n: 3 });
    expect([cache.lookup('t', 'a'), cache.lookup('t', 'b')]).toEqual([{ n: 2 }, { n: 3 }]);

    cache.rollback();
    expect([cache.lookup('t', 'a'), cache.lookup('t', 'b')]).toEqual([{ n: 1 }, undefined]);

    cache.change('t', 'a', null);
    cache.commit();
    expect([...cache.changes()]).toEqual([]);
    expect(cache.lookup('t', 'a')).toBeNull();
  });

  it('knows a document of tables that started empty is absent, until that table had to forget one', () => {
    const cache = new DocumentCache({ capacity: 2, startsEmpty: true });
    expect(cache.lookup('t', 'x')).toBeNull();
    cache.change('t', 'a', { n: 1 });
    cache.change('t', 'b', { n: 2 });
    cache.change('u', 'a', { n: 9 });
    cache.commit();
    expect(cache.lookup('t', 'x')).toBeNull();

    cache.change('t', 'a', { n: 4 });
    cache.change('t', 'c', { n: 3 });
    cache.commit();

    // b was written least recently: forgotten, so nothing unknown in t can be called absent any more; u still can.
    expect([cache.lookup('t', 'a'), cache.lookup('t', 'b'), cache.lookup('t', 'c'), cache.lookup('t', 'x')]).toEqual([
      { n: 4 },
      undefined,
      { n: 3 },
      undefined,
    ]);
    expect([cache.lookup('u', 'a'), cache.lookup('u', 'x')]).toEqual([{ n: 9 }, null]);
  });
});
