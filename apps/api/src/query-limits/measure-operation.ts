import {
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
} from 'graphql';

/** A list that is not a `first`-bounded page is assumed to hold this many items. */
export const ASSUMED_LIST_SIZE = 10;
/** `first` or `last` given as a variable is unknown at validation (the document is validated once and cached): assume the largest page. */
export const ASSUMED_PAGE_SIZE = 100;

export interface Measure {
  /** How many fields deep the deepest one is: `{ a { b } }` is 2. */
  readonly depth: number;
  /** Every field returned, counted once per item of the lists around it. */
  readonly cost: number;
}

export interface OperationMeasures {
  readonly api: Measure;
  /** `__schema` / `__type`: GraphiQL and codegen tools ask for a lot of it, so it has budgets of its own. */
  readonly introspection: Measure;
}

const NOTHING: Measure = { depth: 0, cost: 0 };

/**
 * Measures an operation as it would be executed, fragments expanded. A field costs 1 plus its
 * selection times the items it stands for: a field with a `first` (or `last`) argument makes the next
 * list below it a page of that many items (`tickets(first: 50) { nodes { ... } }`, `thread(last: 20)`);
 * a list field of its own counts them if it has the argument, else ASSUMED_LIST_SIZE.
 */
export function measureOperation(context: ValidationContext, operation: OperationDefinitionNode): OperationMeasures {
  const walk = new Walk(context);
  const root = context.getSchema().getRootType(operation.operation) ?? undefined;
  let api = NOTHING;
  let introspection = NOTHING;
  for (const field of rootFields(context, operation.selectionSet)) {
    const measure = walk.field(field, root, undefined);
    if (field.name.value === '__schema' || field.name.value === '__type') introspection = add(introspection, measure);
    else api = add(api, measure);
  }
  return { api, introspection };
}

/** Depths are relative (a leaf is 1); a fragment is measured once per page size, so nesting cannot blow up. */
class Walk {
  private readonly fragments = new Map<string, Measure | 'in progress'>();

  constructor(private readonly context: ValidationContext) {}

  field(node: FieldNode, parent: GraphQLNamedType | undefined, pageSize: number | undefined): Measure {
    const definition = fieldDefinition(parent, node.name.value);
    const type = definition ? getNullableType(definition.type) : undefined;
    const isList = type !== undefined && isListType(type);
    const first = definition ? pageSizeOf(node, definition) : undefined;
    const items = isList ? (first ?? pageSize ?? ASSUMED_LIST_SIZE) : 1;
    if (!node.selectionSet) return { depth: 1, cost: 1 };
    const named = definition ? getNamedType(definition.type) : undefined;
    // A page size travels down to the list it sizes: `conversation(first: 50) { thread { nodes } }`.
    const children = this.selections(node.selectionSet, named, isList ? undefined : (first ?? pageSize));
    return { depth: 1 + children.depth, cost: 1 + items * children.cost };
  }

  private selections(
    selectionSet: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    pageSize: number | undefined,
  ): Measure {
    let total = NOTHING;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        total = add(total, this.field(selection, parent, pageSize));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? this.context.getSchema().getType(selection.typeCondition.name.value)
          : parent;
        total = add(total, this.selections(selection.selectionSet, type ?? undefined, pageSize));
      } else {
        total = add(total, this.fragment(selection.name.value, pageSize));
      }
    }
    return total;
  }

  private fragment(name: string, pageSize: number | undefined): Measure {
    const key = `${name}|${pageSize ?? ''}`;
    const known = this.fragments.get(key);
    if (known === 'in progress') return NOTHING; // a cycle: the spec's own rules refuse it
    if (known) return known;
    const fragment = this.context.getFragment(name);
    if (!fragment) return NOTHING;
    this.fragments.set(key, 'in progress');
    const type = this.context.getSchema().getType(fragment.typeCondition.name.value) ?? undefined;
    const measure = this.selections(fragment.selectionSet, type, pageSize);
    this.fragments.set(key, measure);
    return measure;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function fieldDefinition(parent: GraphQLNamedType | undefined, name: string): GraphQLField<any, any> | undefined {
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (name === '__schema') return SchemaMetaFieldDef;
  if (name === '__type') return TypeMetaFieldDef;
  if (parent && (isObjectType(parent) || isInterfaceType(parent))) return parent.getFields()[name];
  return undefined;
}

/**
 * The page size a `first` or `last` argument stands for (`thread(last: 20)` is a page of 20, as
 * `thread(first: 20)`); undefined when the field takes neither. Both given: the larger.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function pageSizeOf(node: FieldNode, definition: GraphQLField<any, any>): number | undefined {
  const parameters = definition.args.filter((arg) => arg.name === 'first' || arg.name === 'last');
  if (parameters.length === 0) return undefined;
  const given = parameters.flatMap((parameter) => {
    const value = node.arguments?.find((argument) => argument.name.value === parameter.name)?.value;
    if (value?.kind === Kind.INT) return [Math.max(0, Number.parseInt(value.value, 10))];
    if (value?.kind === Kind.VARIABLE) return [ASSUMED_PAGE_SIZE];
    return [];
  });
  if (given.length > 0) return Math.max(...given);
  const first = parameters.find((parameter) => parameter.name === 'first') ?? parameters[0];
  return typeof first.defaultValue === 'number' ? first.defaultValue : ASSUMED_PAGE_SIZE;
}

/**
 * Root fields, through fragments, so each root field is measured (and classified) on its own.
 * Each fragment is walked once: `seen` is shared by the whole walk, not per path, or fragments
 * spreading the next one twice (`F0 { ...F1 ...F1 } F1 { ...F2 ...F2 }`...) made 2^n walks of a
 * document of n lines. Execution merges a fragment's fields however often it is spread, too.
 */
function rootFields(context: ValidationContext, selectionSet: SelectionSetNode, seen = new Set<string>()): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(context, selection.selectionSet, seen);
    const fragment = context.getFragment(selection.name.value);
    if (!fragment || seen.has(selection.name.value)) return [];
    seen.add(selection.name.value);
    return rootFields(context, fragment.selectionSet, seen);
  });
}

function add(a: Measure, b: Measure): Measure {
  return { depth: Math.max(a.depth, b.depth), cost: a.cost + b.cost };
}
