import { DomainError } from '@helpdesk/domain';
import { StoreUnavailableError } from '@helpdesk/event-store';
import { ApiError } from './api-error.js';
import { toGraphqlError } from './graphql-errors.filter.js';
import { inputValidationFailed } from './input-validation.js';
import { waitForReadModels } from './read-your-writes.js';

describe('GraphQL error mapping', () => {
  it("keeps the domain's stable code and sentence, and hides anything unexpected", () => {
    const closed = toGraphqlError(
      new DomainError('SESSION_CLOSED', 'The session is closed: send an approved template', { closedAt: 'x' }),
    );
    expect(closed.toJSON()).toEqual({
      message: 'The session is closed: send an approved template',
      extensions: { code: 'SESSION_CLOSED', closedAt: 'x' },
    });
    const leaked = toGraphqlError(new Error('SQLITE_CANTOPEN /secret/path/events.sqlite'));
    expect(leaked.toJSON()).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(toGraphqlError(new StoreUnavailableError('disk on fire')).extensions.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('names every refused field, nested ones by path', () => {
    const error = inputValidationFailed([
      { property: 'text', constraints: { matches: 'text must not be blank' }, children: [] },
      {
        property: 'filter',
        children: [{ property: 'ownerIds', constraints: { isArray: 'ownerIds must be an array' }, children: [] }],
      },
    ]);
    expect(toGraphqlError(error).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [
        { field: 'text', messages: ['text must not be blank'] },
        { field: 'filter.ownerIds', messages: ['ownerIds must be an array'] },
      ],
    });
    expect(error.getResponse()).toMatchObject({
      statusCode: 400,
      message: ['text must not be blank', 'ownerIds must be an array'],
    });
  });
});

describe('read-your-writes wait', () => {
  const position = { commit: 7n, prepare: 7n };

  it('answers STALE_READ when the read models do not catch up in time', async () => {
    const never = { whenCaughtUp: () => new Promise<void>(() => undefined) };
    await expect(waitForReadModels(never, position, 20)).rejects.toMatchObject({ code: 'STALE_READ' });
  });

  it('answers STALE_READ, without the projection error, when a read model has failed', async () => {
    const failed = { whenCaughtUp: () => Promise.reject(new Error('Projection thread failed: constraint on /data/x')) };
    const error = await waitForReadModels(failed, position, 1000).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'STALE_READ' });
    expect((error as Error).message).not.toContain('/data/x');
  });
});
