import { refusalCodeOf } from '../../../../test/support/domain-refusals.js';
import { DEFAULT_VIEWS } from './default-views.js';
import { validViewFilters, type ViewFilter } from './view-filters.js';

describe('View filters', () => {
  it('accepts every field of the filter language', () => {
    const filters: ViewFilter[] = [
      { field: 'sourceChannelType', anyOf: ['whatsapp', 'email'] },
      { field: 'status', anyOf: ['open', 'closed'] },
      { field: 'owner', anyOf: [{ kind: 'user', userId: 'anna' }, { kind: 'unassigned' }, { kind: 'current_user' }] },
      { field: 'accountId', anyOf: ['acc-1'] },
      { field: 'phoneNumber', anyOf: ['+31612345678'] },
      { field: 'contactId', anyOf: ['c-1'] },
      { field: 'lastMessageDirection', anyOf: ['outbound'] },
    ];
    expect(validViewFilters(filters)).toEqual(filters);
  });

  it('accepts no filters at all (everything), and 100 values', () => {
    expect(validViewFilters([])).toEqual([]);
    const ids = Array.from({ length: 100 }, (_, i) => `acc-${i}`);
    expect(validViewFilters([{ field: 'accountId', anyOf: ids }])).toHaveLength(1);
  });

  it('stores phone numbers as E.164', () => {
    expect(validViewFilters([{ field: 'phoneNumber', anyOf: ['+31 6 1234 5678'] }])).toEqual([
      { field: 'phoneNumber', anyOf: ['+31612345678'] },
    ]);
  });

  it.each<[string, unknown]>([
    ['an unknown field', [{ field: 'priority', anyOf: ['high'] }]],
    ['an unknown channel type', [{ field: 'sourceChannelType', anyOf: ['sms'] }]],
    ['an empty anyOf', [{ field: 'status', anyOf: [] }]],
    ['a missing anyOf', [{ field: 'status' }]],
    ['101 values', [{ field: 'accountId', anyOf: Array.from({ length: 101 }, (_, i) => `acc-${i}`) }]],
    ['a value twice', [{ field: 'status', anyOf: ['open', 'open'] }]],
    [
      'a field twice',
      [
        { field: 'status', anyOf: ['open'] },
        { field: 'status', anyOf: ['closed'] },
      ],
    ],
    ['an empty id', [{ field: 'contactId', anyOf: [''] }]],
    ['a phone number that is not one', [{ field: 'phoneNumber', anyOf: ['not a number'] }]],
    ['an owner of an unknown kind', [{ field: 'owner', anyOf: [{ kind: 'team' }] }]],
    ['a user owner without id', [{ field: 'owner', anyOf: [{ kind: 'user' }] }]],
    ['filters that are not a list', { field: 'status', anyOf: ['open'] }],
  ])('refuses %s', (_case, filters) => {
    expect(refusalCodeOf(() => validViewFilters(filters as ViewFilter[]))).toBe('INVALID_VIEW');
  });
});

describe('Default views', () => {
  it('are all open, all closed, unassigned, assigned to me and sent, with valid filters', () => {
    expect(DEFAULT_VIEWS.map((view) => view.viewId)).toEqual([
      'all-open',
      'all-closed',
      'unassigned',
      'assigned-to-me',
      'sent',
    ]);
    for (const view of DEFAULT_VIEWS) expect(validViewFilters(view.filters)).toEqual(view.filters);
  });
});
