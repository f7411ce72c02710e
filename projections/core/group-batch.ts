import type { RecordedEvent } from '@helpdesk/event-store';
import { ProjectionFailure, applyEvents, writersTransaction } from './apply-events.js';
import { CheckpointMovedError, claimCheckpoint, recordFailure, writeCheckpoint } from './checkpoints.js';
import type { GroupMember } from './group-member.js';
import type { ReadDatabase } from './read-model-schema.js';

/** A member's error inside a batch's transaction: the batch is done again without it (or only up to its failing event). */
class MemberError extends Error {
  constructor(
    readonly member: GroupMember,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Commits each member's events of one batch in ONE transaction: per member, the compare-and-set
 * claim of its checkpoint, its rows and its new checkpoint, so each member's rows and checkpoint
 * commit together. A member that throws does not cost the others their batch: the transaction is
 * rolled back and done again with that member only up to the event it failed on (its error
 * recorded in its checkpoint row, in the same transaction); a member whose checkpoint was moved by
 * another writer is left out and reloads. Redoing the batch instead of a SAVEPOINT per member keeps
 * the common case at one BEGIN/COMMIT and no extra statement; projections are deterministic, so
 * the others' redo writes the same rows. Any other error (the fence in `beforeWrite`, the
 * database) is the whole batch's: it rolls back and is thrown.
 */
export async function commitBatch(
  db: ReadDatabase,
  work: ReadonlyMap<GroupMember, readonly RecordedEvent[]>,
  beforeWrite: ((trx: ReadDatabase) => Promise<void>) | undefined,
  now: Date,
): Promise<void> {
  const plan = new Map([...work].filter(([, events]) => events.length > 0));
  const failures = new Map<GroupMember, unknown>();
  const moved: GroupMember[] = [];
  for (;;) {
    try {
      const handled = await writersTransaction(
        db,
        [...plan.keys()].map((member) => member.writer!),
        async (trx) => {
          await beforeWrite?.(trx);
          const counts = new Map<GroupMember, number>();
          for (const [member, events] of plan) {
            try {
              counts.set(member, await applyToMember(trx, member, events, now));
            } catch (error) {
              throw new MemberError(member, error);
            }
          }
          for (const [member, error] of failures) {
            const { name, version } = member.projection;
            await recordFailure(trx, name, version, error instanceof Error ? error.message : String(error), now);
          }
          return counts;
        },
      );
      for (const [member, count] of handled)
        member.committed(plan.get(member)!.at(-1)!.position, count, now.toISOString());
      for (const [member, error] of failures) member.fail(error);
      for (const member of moved) member.reload = true;
      return;
    } catch (error) {
      if (!(error instanceof MemberError)) throw error;
      const { member, cause } = error;
      const events = plan.get(member)!;
      plan.delete(member);
      if (cause instanceof CheckpointMovedError) {
        moved.push(member);
        continue;
      }
      failures.set(member, cause);
      const failedAt = cause instanceof ProjectionFailure ? events.indexOf(cause.event) : -1;
      if (failedAt > 0) plan.set(member, events.slice(0, failedAt));
    }
  }
}

async function applyToMember(
  trx: ReadDatabase,
  member: GroupMember,
  events: readonly RecordedEvent[],
  now: Date,
): Promise<number> {
  const { name, version } = member.projection;
  await claimCheckpoint(trx, name, version, member.position, now, member.stamp);
  const handled = member.handled + (await applyEvents(trx, member.writer!, events));
  await writeCheckpoint(trx, name, version, events.at(-1)!.position, handled, now);
  return handled;
}
