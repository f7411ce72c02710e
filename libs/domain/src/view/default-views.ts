import type { ViewFilter } from './view-filters.js';

export type DefaultView = Readonly<{
  viewId: string;
  name: string;
  sharing: 'everyone';
  filters: readonly ViewFilter[];
}>;

/** Every portal has these; they are not stored, and custom views cannot take their ids. */
export const DEFAULT_VIEWS: readonly DefaultView[] = [
  { viewId: 'all-open', name: 'All open', sharing: 'everyone', filters: [{ field: 'status', anyOf: ['open'] }] },
  { viewId: 'all-closed', name: 'All closed', sharing: 'everyone', filters: [{ field: 'status', anyOf: ['closed'] }] },
  {
    viewId: 'unassigned',
    name: 'Unassigned',
    sharing: 'everyone',
    filters: [
      { field: 'status', anyOf: ['open'] },
      { field: 'owner', anyOf: [{ kind: 'unassigned' }] },
    ],
  },
  {
    viewId: 'assigned-to-me',
    name: 'Assigned to me',
    sharing: 'everyone',
    filters: [
      { field: 'status', anyOf: ['open'] },
      { field: 'owner', anyOf: [{ kind: 'current_user' }] },
    ],
  },
  /** Conversations whose latest message the business sent, awaiting the contact. */
  {
    viewId: 'sent',
    name: 'Sent',
    sharing: 'everyone',
    filters: [{ field: 'lastMessageDirection', anyOf: ['outbound'] }],
  },
];

export function isDefaultViewId(viewId: string): boolean {
  return DEFAULT_VIEWS.some((view) => view.viewId === viewId);
}
