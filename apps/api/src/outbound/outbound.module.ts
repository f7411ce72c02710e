import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { MEDIA_STORE, type MediaStore } from '@helpdesk/media-store';
import { MediaModule } from '../media/media.module.js';
import { type Timers, systemTimers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import { CLOCK, type Clock } from '@helpdesk/commands/shared/clock.js';
import { GRAPH_API, type GraphApi, HttpGraphApi } from './graph-api-client.js';
import { OutboundDispatcher } from './outbound-dispatcher.js';

export const OUTBOUND_TIMERS = Symbol('OUTBOUND_TIMERS');
/** In [0, 1): the jitter of retry delays. */
export const OUTBOUND_RANDOM = Symbol('OUTBOUND_RANDOM');

/**
 * Delivery of accepted messages to Meta's Cloud API. Off, and saying so in the logs, until
 * WHATSAPP_ACCESS_TOKEN is set; messages accepted meanwhile are sent once it is.
 */
@Module({
  imports: [MediaModule],
  providers: [
    { provide: OUTBOUND_TIMERS, useValue: systemTimers },
    { provide: OUTBOUND_RANDOM, useValue: Math.random },
    {
      provide: GRAPH_API,
      inject: [APP_CONFIG],
      useFactory: ({ whatsapp }: AppConfig): GraphApi | null =>
        whatsapp.accessToken ? new HttpGraphApi({ apiUrl: whatsapp.apiUrl, accessToken: whatsapp.accessToken }) : null,
    },
    {
      provide: OutboundDispatcher,
      inject: [EVENT_STORE, GRAPH_API, CLOCK, OUTBOUND_TIMERS, OUTBOUND_RANDOM, APP_CONFIG, MEDIA_STORE],
      useFactory: (
        store: EventStore,
        graph: GraphApi | null,
        clock: Clock,
        timers: Timers,
        random: () => number,
        { outboundThroughput }: AppConfig,
        media: MediaStore,
      ) => new OutboundDispatcher({ store, graph, clock, timers, random, media, settings: { ...outboundThroughput } }),
    },
  ],
  exports: [OutboundDispatcher],
})
export class OutboundModule {}
