import type { Role } from '@helpdesk/auth';
import type { PortalIds } from './seed-portals.js';

/** The victim portal's ids, plus what only its auditor could have produced. */
export interface Target extends PortalIds {
  readonly exportNdjson: string;
}

export interface Probe {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
}

/**
 * What another portal's token with every role gets when it aims the field at the victim's things:
 * - refused: an error whose code is a refusal (NOT_ALLOWED, ..._NOT_FOUND), no data, nothing appended;
 * - nothing: an answer without a trace of the victim (`nothing` says what its own answer must be), nothing appended;
 * - own-portal: the operation always acts on the caller's portal; it may write there, never in the victim's streams;
 * - service-wide: the read models and their rebuilds span every portal (operators' tools): no victim data, nothing appended.
 */
export type OtherPortalOutcome = 'refused' | 'nothing' | 'own-portal' | 'service-wide';

export interface FieldRule {
  /** The roles the resolver admits; every other role gets FORBIDDEN. 'public' needs no token at all. */
  readonly roles: readonly Role[] | 'public';
  readonly otherPortal: OtherPortalOutcome;
  /** The operation aimed at `target`'s things. */
  readonly probe: (target: Target) => Probe;
  /**
   * Reads: what the target's own token with an admitted role sees through the probe (so that "nothing"
   * for another portal is not vacuous). Default: the victim's marker appears in the answer.
   */
  readonly ownerSees?: (value: unknown, target: Target) => boolean;
  /** For `nothing`: what the other portal's answer must be, besides carrying no trace of the victim. */
  readonly nothing?: (value: unknown) => boolean;
}

export const anyRole = ['agent', 'admin', 'auditor'] as const satisfies readonly Role[];
export const agents = ['agent', 'admin'] as const satisfies readonly Role[];

export const isNull = (value: unknown): boolean => value === null;
export const isNotNull = (value: unknown): boolean => value !== null && value !== undefined;
