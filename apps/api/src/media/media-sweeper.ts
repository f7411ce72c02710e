import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { type AbandonedWrites, MEDIA_STORE, type MediaStore } from '@helpdesk/media-store';
import { CLOCK, type Clock } from '@helpdesk/commands/shared/clock.js';
import { type Counter, MetricsRegistry } from '../metrics/metrics-registry.js';
import { MediaUploads, type UploadSweep } from './media-uploads.js';

/** Often enough that an expired upload lasts little past its grace; each sweep walks only the unsent ones. */
export const SWEEP_EVERY_MS = 15 * 60_000;

/**
 * A file being written that nothing wrote to for this long was left by a process killed mid-write:
 * every write to the media store is bounded far below it (an upload by HTTP_REQUEST_TIMEOUT_MS, a
 * download from Meta by its 60 s timeout), and a live one touches its file with every chunk.
 */
export const ABANDONED_WRITE_AFTER_MS = 60 * 60_000;

/** What one sweep did. */
export interface MediaSweep extends UploadSweep {
  readonly abandonedWrites: AbandonedWrites;
}

/**
 * Frees the media directory of what nobody will read: agents' uploads that no reply claimed before
 * they expired (MediaUploads.sweep), and the files of writes a killed process left unfinished
 * (MediaStore.removeAbandonedWrites). At start, then every SWEEP_EVERY_MS. Every API instance
 * sweeps; deleting is idempotent, so instances sharing the media directory may sweep at once. One
 * sweep at a time per instance.
 */
@Injectable()
export class MediaSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MediaSweeper.name);
  private readonly swept: Counter;
  private readonly bytesFreed: Counter;
  private readonly abandonedRemoved: Counter;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<MediaSweep> | null = null;

  constructor(
    private readonly uploads: MediaUploads,
    @Inject(MEDIA_STORE) private readonly media: MediaStore,
    @Inject(CLOCK) private readonly clock: Clock,
    metrics: MetricsRegistry,
  ) {
    this.swept = metrics.counter('media_uploads_swept_total', 'Uploads deleted because no reply sent them in time');
    this.bytesFreed = metrics.counter('media_upload_bytes_swept_total', 'Bytes of the uploads swept');
    this.abandonedRemoved = metrics.counter(
      'media_abandoned_writes_removed_total',
      'Unfinished media files a killed process left behind, removed',
    );
  }

  onApplicationBootstrap(): void {
    void this.sweepQuietly();
    this.timer = setInterval(() => void this.sweepQuietly(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Sweeps now, or answers the sweep already running. */
  sweep(): Promise<MediaSweep> {
    this.running ??= this.sweepOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sweepOnce(): Promise<MediaSweep> {
    const now = this.clock.now();
    const done = await this.uploads.sweep(now);
    this.swept.inc({}, done.swept);
    this.bytesFreed.inc({}, done.bytesFreed);
    if (done.swept > 0 || done.claimed > 0) this.logger.log({ msg: 'Expired uploads swept', ...done });
    const abandonedWrites = await this.media.removeAbandonedWrites(new Date(now.getTime() - ABANDONED_WRITE_AFTER_MS));
    this.abandonedRemoved.inc({}, abandonedWrites.files);
    if (abandonedWrites.files > 0) this.logger.log({ msg: 'Unfinished media writes removed', ...abandonedWrites });
    return { ...done, abandonedWrites };
  }

  private async sweepQuietly(): Promise<void> {
    try {
      await this.sweep();
    } catch (error) {
      this.logger.error({ msg: 'Sweeping media failed; the next sweep tries again', error: String(error) });
    }
  }
}
