import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type GraphQLObjectType, buildSchema } from 'graphql';

const SDL_FILE = fileURLToPath(new URL('../../schemas/schema.graphql', import.meta.url));

export type RootKind = 'Query' | 'Mutation' | 'Subscription';

/** The root fields of the committed SDL (kept equal to the code by the schema drift test), sorted. */
export function rootFieldsOfSdl(): Record<RootKind, string[]> {
  const schema = buildSchema(readFileSync(SDL_FILE, 'utf8'));
  const names = (type: GraphQLObjectType | null | undefined) => Object.keys(type?.getFields() ?? {}).sort();
  return {
    Query: names(schema.getQueryType()),
    Mutation: names(schema.getMutationType()),
    Subscription: names(schema.getSubscriptionType()),
  };
}
