/**
 * The whole write-side abstraction: a pure `decide` that turns a command and the current
 * state into new events (or a DomainError), and a pure `evolve` that folds events into state.
 * No clock, no ids, no I/O: time and new ids come in on the command.
 */
export type DomainEvent<Type extends string = string, Data extends object = object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;

export interface Actor {
  readonly kind: 'user' | 'contact' | 'system' | 'whatsapp';
  readonly id: string;
}

/** Who asks, when, and under which idempotency key: supplied by the shell, never read from globals. */
export interface CommandContext {
  readonly portalId: string;
  readonly actor: Actor;
  readonly now: Date;
  readonly idempotencyKey?: string;
}

export type DomainCommand<Type extends string = string, Data extends object = object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
  context: CommandContext;
}>;

export interface Decider<Command extends DomainCommand, Event extends DomainEvent, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  readonly initialState: State;
}

export function fold<Event, State>(
  evolve: (state: State, event: Event) => State,
  initial: State,
  events: Iterable<Event>,
): State {
  let state = initial;
  for (const event of events) state = evolve(state, event);
  return state;
}

/** A forgotten command or event type fails to compile at the `default:` branch. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
