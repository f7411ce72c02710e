import { BadRequestException } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { FieldProblem } from './api-error.js';

/** A deeply nested or huge input must not make the answer huge. */
const MAX_FIELDS = 50;

/**
 * What the global ValidationPipe throws: the usual 400 body for HTTP routes, and the refused
 * fields by path for the GraphQL error mapping (BAD_USER_INPUT). The refused values are never
 * echoed back.
 */
export class InputValidationError extends BadRequestException {
  constructor(readonly fields: readonly FieldProblem[]) {
    super(fields.flatMap((field) => field.messages));
  }
}

/** `exceptionFactory` of the global ValidationPipe. */
export function inputValidationFailed(errors: readonly ValidationError[]): InputValidationError {
  return new InputValidationError(fieldProblems(errors).slice(0, MAX_FIELDS));
}

function fieldProblems(errors: readonly ValidationError[], parent?: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}
