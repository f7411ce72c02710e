import type { Projection } from '@helpdesk/projections/core/projection.js';
import { badUserInput } from '../graphql/api-error.js';

/** The projection an operator named, among those the API runs; BAD_USER_INPUT naming the known ones otherwise. */
export function projectionNamed(projections: readonly Projection[], name: string): Projection {
  const projection = projections.find((candidate) => candidate.name === name);
  if (projection) return projection;
  const known = projections.map((candidate) => candidate.name).join(', ');
  throw badUserInput([{ field: 'name', messages: [`name must be one of the projections: ${known}`] }]);
}
