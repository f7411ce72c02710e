import { DomainError, refuse } from '../core/index.js';
import { normaliseToE164 } from '../phone-number/e164.js';

export const SOURCE_CHANNEL_TYPES = ['whatsapp', 'email', 'chat', 'facebook_messenger', 'form', 'calling'] as const;
export const CONVERSATION_STATUSES = ['open', 'closed'] as const;
export const MESSAGE_DIRECTIONS = ['inbound', 'outbound'] as const;

/** `current_user` is resolved when the view is shown, so one shared view serves every agent. */
export type OwnerMatch = Readonly<{ kind: 'user'; userId: string }> | Readonly<{ kind: 'current_user' | 'unassigned' }>;

/** Filters are ANDed; the values of one filter are ORed ("is any of"). */
export type ViewFilter =
  | Readonly<{ field: 'sourceChannelType'; anyOf: readonly (typeof SOURCE_CHANNEL_TYPES)[number][] }>
  | Readonly<{ field: 'status'; anyOf: readonly (typeof CONVERSATION_STATUSES)[number][] }>
  | Readonly<{ field: 'owner'; anyOf: readonly OwnerMatch[] }>
  | Readonly<{ field: 'accountId'; anyOf: readonly string[] }>
  | Readonly<{ field: 'phoneNumber'; anyOf: readonly string[] }>
  | Readonly<{ field: 'contactId'; anyOf: readonly string[] }>
  | Readonly<{ field: 'lastMessageDirection'; anyOf: readonly (typeof MESSAGE_DIRECTIONS)[number][] }>;

const MAX_VALUES = 100;

/**
 * Filters arrive as JSON from the API, so their shape is checked here, not trusted from the type.
 * Phone numbers are stored E.164 so that they match conversations whatever the agent typed.
 */
export function validViewFilters(filters: readonly ViewFilter[]): ViewFilter[] {
  if (!Array.isArray(filters)) invalid('A view has a list of filters');
  const fields = filters.map((filter) => filter?.field);
  if (new Set(fields).size !== fields.length) invalid('Each field may be filtered once; list its values in anyOf');
  return filters.map(validFilter);
}

function validFilter(filter: ViewFilter): ViewFilter {
  const values: readonly unknown[] = Array.isArray(filter?.anyOf) ? filter.anyOf : [];
  if (values.length === 0 || values.length > MAX_VALUES) invalid(`A filter needs 1 to ${MAX_VALUES} values in anyOf`);
  switch (filter.field) {
    case 'sourceChannelType':
      return { field: filter.field, anyOf: distinct(filter.field, oneOf(SOURCE_CHANNEL_TYPES, filter.anyOf)) };
    case 'status':
      return { field: filter.field, anyOf: distinct(filter.field, oneOf(CONVERSATION_STATUSES, filter.anyOf)) };
    case 'lastMessageDirection':
      return { field: filter.field, anyOf: distinct(filter.field, oneOf(MESSAGE_DIRECTIONS, filter.anyOf)) };
    case 'owner':
      return { field: filter.field, anyOf: distinctOwners(filter.anyOf.map(validOwnerMatch)) };
    case 'accountId':
    case 'contactId':
      return { field: filter.field, anyOf: distinct(filter.field, filter.anyOf.map(identifier)) };
    case 'phoneNumber':
      return { field: filter.field, anyOf: distinct(filter.field, filter.anyOf.map(phoneNumber)) };
    default:
      return invalid(`Unknown filter field '${(filter as { field?: unknown }).field}'`);
  }
}

function oneOf<T extends string>(allowed: readonly T[], values: readonly unknown[]): T[] {
  const unknown = values.find((value) => !allowed.includes(value as T));
  if (unknown !== undefined) invalid(`'${String(unknown)}' is not one of ${allowed.join(', ')}`);
  return values as T[];
}

function identifier(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') invalid('Ids in a filter must be non-empty strings');
  return value;
}

function phoneNumber(value: unknown): string {
  try {
    return normaliseToE164(identifier(value));
  } catch (error) {
    if (error instanceof DomainError) invalid(`'${String(value)}' is not a phone number`);
    throw error;
  }
}

function validOwnerMatch(match: OwnerMatch): OwnerMatch {
  if (match?.kind === 'user') return { kind: 'user', userId: identifier(match.userId) };
  if (match?.kind === 'current_user' || match?.kind === 'unassigned') return { kind: match.kind };
  return invalid('An owner is a user, the current user or unassigned');
}

function distinctOwners(matches: OwnerMatch[]): OwnerMatch[] {
  distinct(
    'owner',
    matches.map((match) => (match.kind === 'user' ? `user:${match.userId}` : match.kind)),
  );
  return matches;
}

function distinct<T>(field: string, values: T[]): T[] {
  if (new Set(values).size !== values.length) invalid(`The ${field} filter lists a value twice`);
  return values;
}

function invalid(message: string): never {
  return refuse('INVALID_VIEW', message);
}
