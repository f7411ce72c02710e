import {
  Decider,
  DomainCommand,
  DomainError,
  DomainErrorCode,
  DomainEvent,
  fold,
} from '../../libs/domain/src/core/index.js';

/**
 * given(events).when(command).then(events) for a pure decider, used from jest:
 * the state is folded from the given events, exactly as the command handler will.
 */
export function specificationFor<Command extends DomainCommand, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
) {
  return {
    given(history: Event[] = []) {
      return {
        when(command: Command) {
          const run = () => decider.decide(command, fold(decider.evolve, decider.initialState, history));
          return {
            then(expected: Event[]): void {
              expect(run()).toEqual(expected);
            },
            thenNothingHappens(): void {
              expect(run()).toEqual([]);
            },
            thenRefuses(code: DomainErrorCode, message?: RegExp): DomainError {
              let error: unknown;
              try {
                run();
              } catch (thrown) {
                error = thrown;
              }
              expect(error).toBeInstanceOf(DomainError);
              expect((error as DomainError).code).toBe(code);
              if (message) expect((error as DomainError).message).toMatch(message);
              return error as DomainError;
            },
            /** For assertions on part of the outcome (ids, computed times). */
            events(): Event[] {
              return run();
            },
          };
        },
      };
    },
  };
}
