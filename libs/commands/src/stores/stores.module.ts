import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@helpdesk/config';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { openEventStore } from '@helpdesk/event-store/open-event-store.js';

/**
 * What stamps the embedded store's events (ms since the epoch). Optional: the system time where
 * nothing provides it; tests of as-of cuts provide their own (AppOverrides.eventStoreNow).
 */
export const EVENT_STORE_NOW = Symbol('EVENT_STORE_NOW');

/** The one place the process opens its stores; everything else injects the port. */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [APP_CONFIG, { token: EVENT_STORE_NOW, optional: true }],
      useFactory: async (config: AppConfig, now?: () => number) => await openEventStore(config.eventStore, { now }),
    },
    { provide: ReadStore, inject: [APP_CONFIG], useFactory: (config: AppConfig) => ReadStore.open(config.readStore) },
  ],
  exports: [EVENT_STORE, ReadStore],
})
export class StoresModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly readStore: ReadStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.eventStore.close(), this.readStore.close()]);
  }
}
