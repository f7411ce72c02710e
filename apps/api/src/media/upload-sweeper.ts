import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock } from '@helpdesk/commands/shared/clock.js';
import { type Counter, MetricsRegistry } from '../metrics/metrics-registry.js';
import { MediaUploads, type UploadSweep } from './media-uploads.js';

/** Often enough that an expired upload lasts little past its grace; each sweep walks only the unsent ones. */
export const SWEEP_EVERY_MS = 15 * 60_000;

/**
 * Deletes agents' uploads that no reply claimed before they expired (MediaUploads.sweep): at start,
 * then every SWEEP_EVERY_MS. Every API instance sweeps; deleting is idempotent, so instances sharing
 * the media directory may sweep at once. One sweep at a time per instance.
 */
@Injectable()
export class UploadSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(UploadSweeper.name);
  private readonly swept: Counter;
  private readonly bytesFreed: Counter;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<UploadSweep> | null = null;

  constructor(
    private readonly uploads: MediaUploads,
    @Inject(CLOCK) private readonly clock: Clock,
    metrics: MetricsRegistry,
  ) {
    this.swept = metrics.counter('media_uploads_swept_total', 'Uploads deleted because no reply sent them in time');
    this.bytesFreed = metrics.counter('media_upload_bytes_swept_total', 'Bytes of the uploads swept');
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
  sweep(): Promise<UploadSweep> {
    this.running ??= this.sweepOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sweepOnce(): Promise<UploadSweep> {
    const done = await this.uploads.sweep(this.clock.now());
    this.swept.inc({}, done.swept);
    this.bytesFreed.inc({}, done.bytesFreed);
    if (done.swept > 0 || done.claimed > 0) this.logger.log({ msg: 'Expired uploads swept', ...done });
    return done;
  }

  private async sweepQuietly(): Promise<void> {
    try {
      await this.sweep();
    } catch (error) {
      this.logger.error({ msg: 'Sweeping expired uploads failed; the next sweep tries again', error: String(error) });
    }
  }
}
