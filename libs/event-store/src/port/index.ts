export * from './errors';
export * from './event-store.port';
export * from './expected-revision';
export * from './recorded-event';
export * from './subscription';
export * from './validate-events';
