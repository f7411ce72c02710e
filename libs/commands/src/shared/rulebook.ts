/**
 * The rulebook the service runs under: the repository's (`RULEBOOK` in libs/domain/src/rules),
 * or, in tests of a rule change, another one. Deciders and projections get it as an argument.
 */
export const ACTIVE_RULEBOOK = Symbol('ACTIVE_RULEBOOK');
