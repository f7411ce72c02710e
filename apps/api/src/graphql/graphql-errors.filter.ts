import { ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { GqlContextType } from '@nestjs/graphql';
import { DomainError } from '@helpdesk/domain';
import { StoreUnavailableError } from '@helpdesk/event-store';
import { GraphQLError } from 'graphql';
import { ApiError, type ApiErrorCode } from './api-error.js';
import { InputValidationError } from './input-validation.js';

/**
 * Every exception of a resolver becomes a GraphQL error with a stable `extensions.code`: the
 * domain's code and sentence, the API's own codes, BAD_USER_INPUT with the refused fields. Anything
 * unexpected is logged here and answered as INTERNAL_SERVER_ERROR without its message or stack.
 * HTTP routes keep Nest's default handling.
 */
@Catch()
export class GraphqlErrorsFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('GraphQL');

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() !== 'graphql') return super.catch(exception, host);
    const mapped = toGraphqlError(exception);
    if (mapped.extensions.code === 'INTERNAL_SERVER_ERROR' || mapped.extensions.code === 'SERVICE_UNAVAILABLE') {
      this.logger.error({ msg: 'GraphQL resolver failed', err: exception });
    }
    // Returned, not thrown: Nest hands it back as the resolver's result, and GraphQL raises it.
    return mapped;
  }
}

export function toGraphqlError(exception: unknown): GraphQLError {
  if (exception instanceof GraphQLError && typeof exception.extensions.code === 'string') return exception;
  if (exception instanceof DomainError || exception instanceof ApiError) {
    return graphqlError(exception.code, exception.message, exception.details);
  }
  if (exception instanceof InputValidationError) {
    const fields = exception.fields;
    return graphqlError('BAD_USER_INPUT', `Invalid input: ${fields.flatMap((field) => field.messages).join('; ')}`, {
      fields,
    });
  }
  if (exception instanceof StoreUnavailableError) {
    return graphqlError('SERVICE_UNAVAILABLE', 'A store of the service is unavailable: retry later');
  }
  if (exception instanceof HttpException) {
    const code = HTTP_CODES[exception.getStatus()];
    if (code) return graphqlError(code, exception.message);
  }
  return graphqlError('INTERNAL_SERVER_ERROR', 'Internal server error');
}

const HTTP_CODES: Readonly<Record<number, ApiErrorCode>> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
};

function graphqlError(code: string, message: string, details: Readonly<Record<string, unknown>> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...details, code } });
}
