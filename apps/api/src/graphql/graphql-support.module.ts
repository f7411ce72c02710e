import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphqlErrorsFilter } from './graphql-errors.filter.js';
import { ReadYourWrites } from './read-your-writes.js';

/** The GraphQL API's shared plumbing: error codes for every resolver, and read-your-writes waits. */
@Global()
@Module({
  providers: [{ provide: APP_FILTER, useClass: GraphqlErrorsFilter }, ReadYourWrites],
  exports: [ReadYourWrites],
})
export class GraphqlSupportModule {}
