import type { ReadStore } from '@helpdesk/read-store';
import type { ContactRow } from '@helpdesk/projections/directory/index.js';
import { ContactLoaders, createContactLoader } from './contact-loaders.js';
import type { ContactKey } from './contacts.reader.js';

const key = (portalId: string, contactId: string): ContactKey => ({ portalId, contactId });

/**
 * The read store as seen by the loader: portal-1 has contacts a, b, c, d, e and shared; portal-2 has
 * its own `shared`. Like loadContacts, a key finds only a row of its own portal. Every batch is recorded.
 */
function recordingLoader(
  options: {
    maxBatchSize?: number;
    fail?: boolean;
    answer?: (keys: readonly ContactKey[]) => (ContactRow | null)[];
  } = {},
) {
  const rows: ContactRow[] = [
    ...['a', 'b', 'c', 'd', 'e', 'shared'].map((contactId) => row('portal-1', contactId)),
    row('portal-2', 'shared'),
  ];
  const batches: string[][] = [];
  const loader = createContactLoader(async (keys) => {
    batches.push(keys.map((k) => `${k.portalId}/${k.contactId}`));
    await Promise.resolve();
    if (options.fail) throw new Error('read store down');
    if (options.answer) return options.answer(keys);
    return keys.map((k) => rows.find((r) => r.portalId === k.portalId && r.contactId === k.contactId) ?? null);
  }, options.maxBatchSize);
  return { loader, batches };
}

function row(portalId: string, contactId: string): ContactRow {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    portalId,
    contactId,
    name: `${portalId} ${contactId}`,
    phoneNumber: null,
    mobilePhoneNumber: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** What a resolver does before it reaches the loader: a few promise hops of its own. */
async function afterHops<T>(hops: number, load: () => Promise<T>): Promise<T> {
  for (let hop = 0; hop < hops; hop++) await Promise.resolve();
  return load();
}

const names = (rows: readonly (ContactRow | null | Error)[]) => rows.map((r) => (r && 'name' in r ? r.name : r));

describe('the contact loader of a request (DataLoader)', () => {
  it('loads the keys of one wave in one batch, each answer to its own key, null where there is none', async () => {
    const { loader, batches } = recordingLoader();
    const answers = await Promise.all(
      ['a', 'b', 'missing', 'c'].map((id, index) => afterHops(index * 3, () => loader.load(key('portal-1', id)))),
    );
    expect(names(answers)).toEqual(['portal-1 a', 'portal-1 b', null, 'portal-1 c']);
    expect(batches).toEqual([['portal-1/a', 'portal-1/b', 'portal-1/missing', 'portal-1/c']]);
  });

  it('keeps portals apart: the same contact id of two portals is two keys, each answered from its own portal', async () => {
    const { loader, batches } = recordingLoader();
    const answers = await Promise.all([
      loader.load(key('portal-1', 'shared')),
      loader.load(key('portal-2', 'shared')),
      loader.load(key('portal-2', 'a')),
    ]);
    expect(names(answers)).toEqual(['portal-1 shared', 'portal-2 shared', null]);
    expect(batches).toEqual([['portal-1/shared', 'portal-2/shared', 'portal-2/a']]);
    // Cached per (portal, contact): portal-2 asking again for `a` is not served portal-1's `a`.
    expect(names([await loader.load(key('portal-1', 'a'))])).toEqual(['portal-1 a']);
    expect(await loader.load(key('portal-2', 'a'))).toBeNull();
  });

  it('asks for a key once: twice in a wave, or again in a later wave, is answered from the request cache', async () => {
    const { loader, batches } = recordingLoader();
    const first = await Promise.all(
      [key('portal-1', 'a'), key('portal-1', 'a'), key('portal-1', 'b')].map((k) => loader.load(k)),
    );
    expect(names(first)).toEqual(['portal-1 a', 'portal-1 a', 'portal-1 b']);
    const second = await Promise.all([key('portal-1', 'a'), key('portal-1', 'c')].map((k) => loader.load(k)));
    expect(names(second)).toEqual(['portal-1 a', 'portal-1 c']);
    expect(batches).toEqual([['portal-1/a', 'portal-1/b'], ['portal-1/c']]);
  });

  it('splits a wave bigger than the batch size into several batches', async () => {
    const { loader, batches } = recordingLoader({ maxBatchSize: 2 });
    const answers = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => loader.load(key('portal-1', id))));
    expect(names(answers)).toEqual(['a', 'b', 'c', 'd', 'e'].map((id) => `portal-1 ${id}`));
    expect(batches).toEqual([['portal-1/a', 'portal-1/b'], ['portal-1/c', 'portal-1/d'], ['portal-1/e']]);
  });

  it('fails every key of a failed batch, and forgets them so a later load tries again', async () => {
    const { loader, batches } = recordingLoader({ fail: true });
    const answers = await Promise.allSettled([loader.load(key('portal-1', 'a')), loader.load(key('portal-1', 'b'))]);
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
    await expect(loader.load(key('portal-1', 'a'))).rejects.toThrow('read store down');
    expect(batches).toEqual([['portal-1/a', 'portal-1/b'], ['portal-1/a']]);
  });

  it('refuses a batch function that answers for the wrong number of keys', async () => {
    const { loader } = recordingLoader({ answer: () => [null] });
    await expect(Promise.all([loader.load(key('portal-1', 'a')), loader.load(key('portal-1', 'b'))])).rejects.toThrow(
      /same length as the Array of keys/,
    );
  });

  it('gives every request its own loader, so no cache outlives or crosses a request', () => {
    const loaders = new ContactLoaders({} as ReadStore);
    const request = {};
    expect(loaders.forRequest(request)).toBe(loaders.forRequest(request));
    expect(loaders.forRequest({})).not.toBe(loaders.forRequest(request));
  });
});
