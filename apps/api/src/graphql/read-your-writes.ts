import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_STORE, comparePositions, headPosition } from '@helpdesk/event-store';
import type { EventStore, Position } from '@helpdesk/event-store';
import { ProjectionsService } from '../projections/projections.service.js';
import { ApiError, badUserInput } from './api-error.js';
import { parsePosition } from './positions.js';

/** How long a query waits for the read models before answering STALE_READ. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 5_000;

export interface CatchingUp {
  whenCaughtUp(position: Position): Promise<void>;
}

/**
 * `atLeastPosition`: a query sees a mutation's own changes. It waits, bounded, until every read
 * model has applied `$all` up to the position a mutation returned. A position past the end of
 * the log was never returned by this API: refused at once rather than awaited forever.
 */
@Injectable()
export class ReadYourWrites {
  private readonly logger = new Logger('ReadYourWrites');

  constructor(
    private readonly projections: ProjectionsService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async atLeast(positionText: string | undefined, field = 'atLeastPosition'): Promise<void> {
    if (positionText === undefined || positionText === null) return;
    const position = parsePosition(positionText);
    const refused = badUserInput([{ field, messages: [`${field} must be a position returned by a mutation`] }]);
    if (!position) throw refused;
    // Already applied: a checkpoint is a position in the log, so this one is not past its end.
    if (this.projections.hasApplied(position)) return;
    const head = await this.lastPosition();
    if (!head || comparePositions(position, head) > 0) throw refused;
    await waitForReadModels(this.projections, position, READ_YOUR_WRITES_TIMEOUT_MS, (error) =>
      this.logger.error({ msg: 'A read model cannot catch up', err: error }),
    );
  }

  private async lastPosition(): Promise<Position | null> {
    return headPosition(this.store);
  }
}

export async function waitForReadModels(
  projections: CatchingUp,
  position: Position,
  timeoutMs: number,
  onFailure: (error: unknown) => void = () => undefined,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([projections.whenCaughtUp(position).then(() => 'caught_up' as const), timedOut]);
    if (outcome === 'timeout') {
      throw new ApiError(
        'STALE_READ',
        `The read models did not reach this position within ${timeoutMs / 1000} s: retry`,
        {
          timeoutMs,
        },
      );
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    onFailure(error);
    throw new ApiError(
      'STALE_READ',
      'The read models cannot reach this position now: a projection has stopped on an error',
    );
  } finally {
    clearTimeout(timer);
  }
}
