import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { FilesystemMediaStore, MEDIA_STORE, type MediaStore } from '@helpdesk/media-store';
import type { Timers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import { CLOCK, type Clock } from '@helpdesk/commands/shared/clock.js';
import { UPLOAD_CLAIMS } from '@helpdesk/commands/conversation/upload-claims.js';
import { RateLimitsModule } from '../rate-limits/rate-limits.module.js';
import { GRAPH_MEDIA_API, type GraphMediaApi, HttpGraphMediaApi } from './graph-media-client.js';
import { InboundMediaFetcher } from './inbound-media-fetcher.js';
import { MediaController } from './media.controller.js';
import { MediaUploads } from './media-uploads.js';
import { MediaSweeper } from './media-sweeper.js';

/** The fetcher's waits: system timers, provided process-wide by AppModule so tests can drive them. */
export const MEDIA_TIMERS = Symbol('MEDIA_TIMERS');
/** In [0, 1): the jitter of retry delays. */
export const MEDIA_RANDOM = Symbol('MEDIA_RANDOM');

/**
 * Inbound media: downloaded from Meta after the webhook was acknowledged, kept in the media store
 * (a directory, MEDIA_DIR), served at `GET /media/:id` to the portal's agents. Outbound media:
 * uploaded by agents at `POST /media` (media-upload.route.ts), kept for good once a reply claims
 * them, swept once expired otherwise (MediaSweeper).
 */
@Module({
  imports: [RateLimitsModule],
  controllers: [MediaController],
  providers: [
    { provide: MEDIA_RANDOM, useValue: Math.random },
    {
      provide: MEDIA_STORE,
      inject: [APP_CONFIG],
      useFactory: ({ mediaDir }: AppConfig): MediaStore => new FilesystemMediaStore(mediaDir),
    },
    {
      provide: GRAPH_MEDIA_API,
      inject: [APP_CONFIG],
      useFactory: ({ whatsapp }: AppConfig): GraphMediaApi | null =>
        whatsapp.accessToken
          ? new HttpGraphMediaApi({ apiUrl: whatsapp.apiUrl, accessToken: whatsapp.accessToken })
          : null,
    },
    {
      provide: MediaUploads,
      inject: [MEDIA_STORE, APP_CONFIG],
      useFactory: (media: MediaStore, config: AppConfig) => new MediaUploads(media, config.mediaUploads),
    },
    MediaSweeper,
    {
      provide: InboundMediaFetcher,
      inject: [EVENT_STORE, GRAPH_MEDIA_API, MEDIA_STORE, CLOCK, MEDIA_TIMERS, MEDIA_RANDOM],
      useFactory: (
        store: EventStore,
        graph: GraphMediaApi | null,
        media: MediaStore,
        clock: Clock,
        timers: Timers,
        random: () => number,
      ) => new InboundMediaFetcher({ store, graph, media, clock, timers, random }),
    },
  ],
  exports: [InboundMediaFetcher, MEDIA_STORE, MediaUploads, MediaSweeper],
})
export class MediaModule {}

/**
 * The uploads as the reply handler (ConversationModule, a global module of libs/commands) claims
 * them: provided globally, since that module cannot import an app's.
 */
@Global()
@Module({
  imports: [MediaModule],
  providers: [{ provide: UPLOAD_CLAIMS, useExisting: MediaUploads }],
  exports: [UPLOAD_CLAIMS],
})
export class UploadClaimsModule {}
