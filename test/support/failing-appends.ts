import { StoreUnavailableError, type EventStore } from '@helpdesk/event-store';

/** The real store, except that appends to streams with this prefix fail as a full disk would. */
export function failingAppends(store: EventStore, streamPrefix: string): EventStore {
  return Object.create(store, {
    append: {
      value: (
        stream: string,
        ...rest: Parameters<EventStore['append']> extends [string, ...infer Rest] ? Rest : never
      ) =>
        stream.startsWith(streamPrefix)
          ? Promise.reject(new StoreUnavailableError('disk full'))
          : store.append(stream, ...rest),
    },
  }) as EventStore;
}
