import { ROLES, type Role } from '@helpdesk/auth';
import type { FieldRule } from './field-rule.js';
import { MUTATION_FIELDS } from './mutation-fields.matrix.js';
import { QUERY_FIELDS } from './query-fields.matrix.js';
import type { RootKind } from './schema-fields.js';
import { SUBSCRIPTION_FIELDS } from './subscription-fields.matrix.js';

/** The tenant × role matrix: one rule per root field of the schema. */
export const FIELD_MATRIX: Readonly<Record<RootKind, Readonly<Record<string, FieldRule>>>> = {
  Query: QUERY_FIELDS,
  Mutation: MUTATION_FIELDS,
  Subscription: SUBSCRIPTION_FIELDS,
};

/** Every role the field's resolver must refuse. */
export function refusedRoles(rule: FieldRule): Role[] {
  return rule.roles === 'public' ? [] : ROLES.filter((role) => !(rule.roles as readonly Role[]).includes(role));
}

/**
 * A refusal that reveals nothing: not found, as if it did not exist (an unknown account is not
 * connected). NOT_ALLOWED is not one: "belongs to another portal" told that the id exists.
 */
export const REFUSAL_CODE = /^(FORBIDDEN|NOT_FOUND|[A-Z]+(_[A-Z]+)*_NOT_FOUND|CHANNEL_NOT_CONNECTED)$/;
