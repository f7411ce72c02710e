import {
  type ASTVisitor,
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
  specifiedRules,
  validate,
} from 'graphql';
import { type Measure, measureOperation } from './measure-operation.js';

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
  readonly maxIntrospectionDepth: number;
  readonly maxIntrospectionCost: number;
}

/**
 * Enough for every screen of the help desk (a page of 100 tickets with every field costs about
 * 1,600), not for pages of pages. Introspection gets room for the full schema query of GraphiQL
 * and codegen tools (graphql's getIntrospectionQuery: depth 15, cost about 52,000 with every
 * option), but not for two of them at once, nor for `fields { type { ofType { fields ... } } }` towers.
 */
export const QUERY_LIMITS: QueryLimits = {
  maxDepth: 8,
  maxCost: 10_000,
  maxIntrospectionDepth: 20,
  maxIntrospectionCost: 75_000,
};

/**
 * A validation rule, so an operation over a limit is refused before any resolver runs, with
 * QUERY_TOO_DEEP or QUERY_TOO_COMPLEX and the numbers (HTTP 400 from Mercurius).
 */
export function queryLimitsRule(limits: QueryLimits = QUERY_LIMITS): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const { api, introspection } = measureOperation(context, operation);
      const refusals = [
        ...refuse(api, limits.maxDepth, limits.maxCost, ''),
        ...refuse(introspection, limits.maxIntrospectionDepth, limits.maxIntrospectionCost, 'Introspection '),
      ];
      for (const refusal of refusals)
        context.reportError(new GraphQLError(refusal.message, { nodes: [operation], extensions: refusal.extensions }));
      return false;
    },
  });
}

function refuse(measure: Measure, maxDepth: number, maxCost: number, what: string) {
  const refusals: { message: string; extensions: Record<string, unknown> }[] = [];
  if (measure.depth > maxDepth) {
    refusals.push({
      message: `${what}Query depth ${measure.depth} exceeds the limit of ${maxDepth}: ask for fewer nested fields`,
      extensions: { code: 'QUERY_TOO_DEEP', depth: measure.depth, maxDepth },
    });
  }
  if (measure.cost > maxCost) {
    refusals.push({
      message: `${what}Query cost ${measure.cost} exceeds the limit of ${maxCost}: ask for smaller pages (first) or fewer fields`,
      extensions: { code: 'QUERY_TOO_COMPLEX', cost: measure.cost, maxCost },
    });
  }
  return refusals;
}

/**
 * Mercurius does not validate subscription documents at all (graphql's `subscribe` assumes a
 * valid one), so the WebSocket path gets the spec's rules and the limits here, before execution.
 */
export function refuseInvalidSubscription(schema: GraphQLSchema, document: DocumentNode): void {
  const [first] = validate(schema, document, [...specifiedRules, queryLimitsRule()]);
  if (!first) return;
  throw first.extensions.code
    ? first
    : new GraphQLError(first.message, { nodes: first.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
}
