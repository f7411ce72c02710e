import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@helpdesk/config';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import { ReadStore } from '@helpdesk/read-store';
import { openEventStore } from './open-event-store.js';

/** The one place the process opens its stores; everything else injects the port. */
@Global()
@Module({
  providers: [
    { provide: EVENT_STORE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => openEventStore(config.eventStore) },
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
