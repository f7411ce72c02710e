import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  type Actor,
  type ConversationCommand,
  DomainError,
  type InboundMessageReceived,
  SingleStreamName,
  conversationIdFromStreamName,
  mediaIdOf,
} from '@helpdesk/domain';
import { type EventStore, type Position, type RecordedEvent, StreamCheckpoint } from '@helpdesk/event-store';
import { type MediaStore, MediaChecksumMismatchError, MediaTooLargeError } from '@helpdesk/media-store';
import type { Timers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import { loadConversation, onConversation } from '@helpdesk/commands/conversation/conversation-commands.js';
import type { Clock } from '@helpdesk/commands/shared/clock.js';
import { type CommandOrigin, contextFrom } from '@helpdesk/commands/shared/command-origin.js';
import { type BackoffPolicy, DEFAULT_BACKOFF, retryDelayMs } from '../outbound/backoff.js';
import { EventLogFollower, storeRetryDelayMs } from '../event-log-follower/event-log-follower.js';
import { RequestSlots } from '../outbound/request-slots.js';
import { type GraphMediaApi, MediaFetchError } from './graph-media-client.js';
import { mediaStorageKey } from './media-storage-key.js';
import { maxMediaBytes } from './meta-media-limits.js';

export interface MediaFetcherSettings {
  readonly backoff: BackoffPolicy;
  readonly maxConcurrentDownloads: number;
  readonly maxInProgress: number;
  readonly checkpointEvery: number;
  readonly storeRetryMs: number;
  readonly storeRetryMaxMs: number;
  readonly resubscribeDelayMs: number;
  /** Tests only: a smaller bound than Meta's for every type. */
  readonly maxBytes?: number;
}

export const DEFAULT_MEDIA_FETCHER_SETTINGS: MediaFetcherSettings = {
  backoff: DEFAULT_BACKOFF,
  maxConcurrentDownloads: 4,
  maxInProgress: 1_000,
  checkpointEvery: 100,
  storeRetryMs: 500,
  storeRetryMaxMs: 30_000,
  resubscribeDelayMs: 1_000,
};

export interface MediaFetcherDependencies {
  readonly store: EventStore;
  /** Null when WHATSAPP_ACCESS_TOKEN is not set: the fetcher stays off and media stay pending. */
  readonly graph: GraphMediaApi | null;
  readonly media: MediaStore;
  readonly clock: Clock;
  readonly timers: Timers;
  /** In [0, 1): the jitter of retry delays. */
  readonly random: () => number;
  readonly settings?: Partial<MediaFetcherSettings>;
}

type FetcherCommand = Extract<
  ConversationCommand,
  { type: 'RecordInboundMediaStored' | 'RecordInboundMediaFetchFailure' }
>;
type FetcherDecision = FetcherCommand extends infer C ? (C extends FetcherCommand ? Omit<C, 'context'> : never) : never;

const FETCHER: Actor = { kind: 'system', id: 'inbound-media-fetcher' };
/** A media to download, or a message quarantined whose bytes may have to go. */
const FILTER = { on: 'eventType', regex: '^(InboundMessageReceived|MessageQuarantined)$' } as const;

/**
 * Downloads the media of inbound messages from Meta and keeps them in the media store. It follows the
 * event log (never the webhook request, which is acknowledged first), like the outbound dispatcher:
 * each step is decided from the message's media state in its conversation stream, so a restart
 * resumes what was pending and downloads nothing already stored. Its checkpoint is a low watermark.
 *
 * A quarantined message's bytes are deleted from the media store: when MessageQuarantined is seen
 * (bytes stored before), and by the download's own task, which reads the message's state again after
 * recording what it stored (a download under way when the quarantine was recorded). A message already
 * quarantined is never downloaded. A crash before the deletion leaves its event after the checkpoint,
 * so it is handled again on restart; deleting again is harmless.
 */
export class InboundMediaFetcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InboundMediaFetcher.name);
  private readonly settings: MediaFetcherSettings;
  private readonly follower: EventLogFollower;
  private readonly slots: RequestSlots;

  constructor(private readonly deps: MediaFetcherDependencies) {
    this.settings = { ...DEFAULT_MEDIA_FETCHER_SETTINGS, ...deps.settings };
    this.slots = new RequestSlots(this.settings.maxConcurrentDownloads);
    const checkpoint = new StreamCheckpoint(
      deps.store,
      SingleStreamName.inboundMediaFetcherCheckpoint,
      'InboundMediaFetcherCheckpointed',
    );
    this.follower = new EventLogFollower({
      ...{ store: deps.store, checkpoint, filter: FILTER, timers: deps.timers, settings: this.settings },
      ...{ logger: this.logger, label: 'Inbound media downloads' },
    });
  }

  get enabled(): boolean {
    return this.deps.graph !== null;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    const graph = this.deps.graph;
    if (!graph) {
      this.logger.warn('Inbound media downloads are off: WHATSAPP_ACCESS_TOKEN is not set. Media stay pending.');
      return;
    }
    this.follower.start((event) => this.handle(event, graph));
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  /** Resolves when every media seen (at least up to `after`) was stored or given up. */
  whenIdle(after?: Position): Promise<void> {
    return this.enabled ? this.follower.whenIdle(after) : Promise.resolve();
  }

  private get stopping(): boolean {
    return this.follower.isStopping;
  }

  private sleep(ms: number): Promise<boolean> {
    return this.follower.sleeper.sleep(ms);
  }

  private handle(event: RecordedEvent, graph: GraphMediaApi): Promise<boolean> | boolean {
    const conversationId = conversationIdFromStreamName(event.streamName);
    const messageId = (event.data as { messageId?: unknown }).messageId;
    if (conversationId === null || typeof messageId !== 'string') return true;
    let task: Promise<boolean>;
    if (event.type === 'InboundMessageReceived') {
      const data = event.data as InboundMessageReceived['data'];
      const hasMedia = typeof data.content === 'object' && data.content !== null && mediaIdOf(data.content) !== null;
      if (!hasMedia) return true;
      task = this.fetch(conversationId, messageId, data.content.kind, graph);
    } else {
      task = this.deleteIfQuarantined(conversationId, messageId);
    }
    return task.catch((error: unknown) => {
      this.logger.error(`Handling the media of message ${messageId} failed: ${String(error)}`);
      return true;
    });
  }

  /** True once the bytes of a quarantined message are gone (or it is not quarantined, or has no media). */
  private async deleteIfQuarantined(conversationId: string, messageId: string): Promise<boolean> {
    for (let failures = 1; !this.stopping; failures++) {
      try {
        const state = await loadConversation(this.deps.store, conversationId);
        if (state.status !== 'Started' || !state.media.has(messageId)) return true;
        if (state.messages.get(messageId)?.quarantined) await this.deleteBytes(conversationId, messageId);
        return true;
      } catch (error) {
        this.logger.warn(`Could not delete the media of quarantined ${messageId} yet, trying again: ${String(error)}`);
        if (!(await this.sleep(storeRetryDelayMs(failures, this.settings)))) return false;
      }
    }
    return false;
  }

  private async deleteBytes(conversationId: string, messageId: string): Promise<void> {
    await this.deps.media.delete(mediaStorageKey(conversationId, messageId));
    this.logger.log(`Deleted the media of quarantined message ${messageId}`);
  }

  /** True once the media was stored or given up; false when the fetcher stopped first. */
  private async fetch(conversationId: string, messageId: string, kind: string, graph: GraphMediaApi): Promise<boolean> {
    let storeFailures = 0;
    while (!this.stopping) {
      try {
        const state = await loadConversation(this.deps.store, conversationId);
        if (state.status !== 'Started') return true;
        if (state.messages.get(messageId)?.quarantined) {
          // Never downloaded once quarantined; bytes a crash left between put and record go too.
          await this.deleteBytes(conversationId, messageId);
          return true;
        }
        const media = state.media.get(messageId);
        if (media?.status !== 'pending') return true;
        const wait = media.retryAt === null ? 0 : Date.parse(media.retryAt) - this.deps.clock.now().getTime();
        if (wait > 0) {
          if (!(await this.sleep(wait))) return false;
          continue;
        }
        const attempt = media.attempts + 1;
        const decision = await this.slots.run(() =>
          this.download(graph, conversationId, messageId, media.mediaId, kind, attempt),
        );
        await this.record(state.portalId, conversationId, decision);
        storeFailures = 0;
      } catch (error) {
        if (error instanceof DomainError) {
          this.logger.error(`The media of ${messageId} cannot be recorded: ${error.code} ${error.message}`);
          return true;
        }
        this.logger.warn(`Could not record the media of ${messageId} yet, trying again: ${String(error)}`);
        if (!(await this.sleep(storeRetryDelayMs(++storeFailures, this.settings)))) return false;
      }
    }
    return false;
  }

  /** Downloads and keeps the bytes; any failure becomes a decision to record, never an exception. */
  private async download(
    graph: GraphMediaApi,
    conversationId: string,
    messageId: string,
    mediaId: string,
    kind: string,
    attempt: number,
  ): Promise<FetcherDecision> {
    const maxBytes = this.settings.maxBytes ?? maxMediaBytes(kind);
    const storageKey = mediaStorageKey(conversationId, messageId);
    try {
      const info = await graph.lookUp(mediaId);
      if (info.fileSize > maxBytes) throw new MediaTooLargeError(maxBytes);
      const bytes = await graph.download(info.url);
      const kept = await this.deps.media.put(storageKey, bytes, { maxBytes, expectedSha256: info.sha256 });
      const { sha256, sizeBytes } = kept;
      return {
        type: 'RecordInboundMediaStored',
        data: { messageId, storageKey, sha256, sizeBytes, mimeType: info.mimeType },
      };
    } catch (error) {
      const permanent =
        error instanceof MediaChecksumMismatchError ||
        error instanceof MediaTooLargeError ||
        (error instanceof MediaFetchError && error.permanent);
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Downloading media ${mediaId} of message ${messageId} failed (attempt ${attempt}): ${reason}`);
      const retryDelay = retryDelayMs(attempt, this.deps.random, this.settings.backoff);
      return {
        type: 'RecordInboundMediaFetchFailure',
        data: { messageId, attempt, reason: reason.slice(0, 500), permanent, retryDelayMs: retryDelay },
      };
    }
  }

  private record(portalId: string, conversationId: string, decision: FetcherDecision) {
    const origin: CommandOrigin = { portalId, actor: FETCHER };
    const command = { ...decision, context: contextFrom(origin, this.deps.clock.now()) } as FetcherCommand;
    return onConversation(this.deps.store, conversationId, command, origin);
  }
}
