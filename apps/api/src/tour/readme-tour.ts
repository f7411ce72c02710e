import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DocumentNode, Kind, parse, print } from 'graphql';

export const README_FILE = fileURLToPath(new URL('../../../../README.md', import.meta.url));

/** One operation of a README GraphQL block, with the comment lines written just above it. */
export interface TourOperation {
  readonly source: string;
  readonly document: DocumentNode;
  readonly comment: string;
  /** Error codes the comment names (SESSION_CLOSED, CONVERSATION_EXISTS, ...): the answers it warns about. */
  readonly codesMentioned: readonly string[];
}

/** The fenced blocks of one language under a heading, up to the next heading of the same or a higher level. */
export function fencedBlocks(readme: string, heading: string, language: string): string[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`README.md has no heading "${heading}"`);
  const level = heading.indexOf(' ');
  const blocks: string[] = [];
  let open: string[] | undefined;
  for (const line of lines.slice(start + 1)) {
    const trimmed = line.trim();
    if (!open && /^#{1,6} /.test(line) && line.indexOf(' ') <= level) break;
    if (!open && trimmed === '```' + language) open = [];
    else if (open && trimmed === '```') {
      blocks.push(open.join('\n'));
      open = undefined;
    } else open?.push(line);
  }
  return blocks;
}

/**
 * A block holding several operations, anonymous ones included, split into one document each: the
 * parser reads them all (it is validation that refuses several anonymous operations together),
 * and each keeps its own text and the comment above it.
 */
export function splitOperations(block: string): TourOperation[] {
  const whole = parse(block);
  let previousEnd = 0;
  return whole.definitions.map((definition) => {
    if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.loc) {
      throw new Error(`only operations belong in the tour, found ${definition.kind}`);
    }
    const comment = block
      .slice(previousEnd, definition.loc.start)
      .split('\n')
      .filter((line) => line.trim().startsWith('#'))
      .map((line) => line.trim().replace(/^#\s?/, ''))
      .join('\n');
    previousEnd = definition.loc.end;
    const source = block.slice(definition.loc.start, definition.loc.end);
    return { source, document: parse(source), comment, codesMentioned: comment.match(/\b[A-Z]+(?:_[A-Z]+)+\b/g) ?? [] };
  });
}

/** The guided tour's operations, in the order the README gives them. */
export function guidedTour(readme = readFileSync(README_FILE, 'utf8')): TourOperation[] {
  const blocks = fencedBlocks(readme, '### A guided tour', 'graphql');
  if (blocks.length !== 1) throw new Error(`the guided tour should be one graphql block, found ${blocks.length}`);
  return splitOperations(blocks[0]);
}

/** The operation's first field, for messages and to pick what the tour expects of it. */
export function rootField(operation: TourOperation): string {
  const [definition] = operation.document.definitions;
  if (definition.kind !== Kind.OPERATION_DEFINITION) return '?';
  const [selection] = definition.selectionSet.selections;
  return selection.kind === Kind.FIELD ? selection.name.value : print(selection);
}

/** Every operation of every graphql block in the README, with the line its block starts on. */
export function everyReadmeOperation(
  readme = readFileSync(README_FILE, 'utf8'),
): { line: number; operation: TourOperation }[] {
  return [...readme.matchAll(/^```graphql\n([\s\S]*?)^```/gm)].flatMap((match) => {
    const line = readme.slice(0, match.index).split('\n').length;
    return splitOperations(match[1]).map((operation) => ({ line, operation }));
  });
}
