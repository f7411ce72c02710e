import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env';

/**
 * Typed documents: gql.tada reads the operations' result and variable types from the schema's
 * introspection in graphql-env.d.ts, which `npx gql.tada generate output --tsconfig
 * apps/inbox/tsconfig.json` writes from schemas/schema.graphql (a test checks it is up to date).
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string; ID: string };
  // Fragments only share field lists here; components read them unmasked.
  disableMasking: true;
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
