import type { EdgeLimitsConfig } from '@helpdesk/config';

/**
 * The cache of valid GraphQL documents (GRAPHQL_DOCUMENT_CACHE_MB), bounded in bytes. Two parts:
 *
 * - `KnownDocuments`, in the request budget (request-budget.ts): the texts of documents that
 *   passed the budget and validation, charged at two bytes a character. A text found there is not
 *   parsed, counted or validated again; authentication (and the token-less rules) still run on
 *   every request.
 * - Mercurius's own cache (`cache: N` in app.module.ts), which keeps the parsed document of each
 *   text it validated and skips its parse and validation on the next request. It is bounded in
 *   count only (quick-lru keeps up to 2N entries: N recent ones and the N before them), so N is the
 *   budget divided by the most one entry can hold under the edge limits (`worstParsedDocumentBytes`).
 *   Its second cache, of invalid documents, stays empty: the request budget validates first and
 *   refuses an invalid document itself, so Mercurius only ever sees valid ones.
 *
 * Only documents' text and syntax trees are kept, never a variable, a caller or a result.
 */

/**
 * Heap one parsed document keeps per token, parsed without locations (as Mercurius does with the
 * cache on): measured 53-88 bytes for the largest shapes the limits allow (lists of 3,000 integers,
 * enum values or object fields, variable definitions, directives; Node.js 20, graphql 16), with
 * room on top.
 */
export const BYTES_PER_TOKEN = 100;
/** What a cache entry costs besides its tokens: the entry, its wrapper object, the map's slot. */
export const ENTRY_OVERHEAD_BYTES = 1_024;

export type CacheLimits = Pick<EdgeLimitsConfig, 'documentCacheMb' | 'maxDocumentLength' | 'maxTokens'>;

/** A text's charge: two bytes a character (a string that is not Latin-1 takes two), and its entry. */
export function textBytes(text: string): number {
  return 2 * text.length + ENTRY_OVERHEAD_BYTES;
}

/** The most one entry of Mercurius's cache can keep: its key (the text) and its syntax tree. */
export function worstParsedDocumentBytes(limits: CacheLimits): number {
  return 2 * limits.maxDocumentLength + limits.maxTokens * BYTES_PER_TOKEN + ENTRY_OVERHEAD_BYTES;
}

export interface DocumentCachePlan {
  /** Mercurius's `cache` option: its entry count, or false when off. */
  readonly mercuriusEntries: number | false;
  /** The bytes KnownDocuments may hold (0 when off). */
  readonly knownTextBytes: number;
  /** The whole budget, in bytes. */
  readonly budgetBytes: number;
}

/**
 * Splits GRAPHQL_DOCUMENT_CACHE_MB between the two parts: for each of Mercurius's N entries, room
 * for two of the largest parsed documents (quick-lru's two generations) and two of the largest
 * texts. Off when the budget does not hold one such pair.
 */
export function planDocumentCache(limits: CacheLimits): DocumentCachePlan {
  const budgetBytes = limits.documentCacheMb * 1024 * 1024;
  const worstText = 2 * limits.maxDocumentLength + ENTRY_OVERHEAD_BYTES;
  const entries = Math.floor(budgetBytes / (2 * (worstParsedDocumentBytes(limits) + worstText)));
  if (entries < 1) return { mercuriusEntries: false, knownTextBytes: 0, budgetBytes };
  return { mercuriusEntries: entries, knownTextBytes: 2 * entries * worstText, budgetBytes };
}

/**
 * Texts of documents known to pass the budget and validation, least recently used first out,
 * never holding more than `maxBytes` (each text charged by `textBytes`).
 */
export class KnownDocuments {
  readonly #texts = new Map<string, number>();
  #bytes = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#texts.size;
  }

  /** Whether the text is known; a known text becomes the most recently used. */
  has(text: string): boolean {
    const charge = this.#texts.get(text);
    if (charge === undefined) return false;
    this.#texts.delete(text);
    this.#texts.set(text, charge);
    return true;
  }

  /** Remembers a text that passed, dropping the least recently used ones to make room. */
  add(text: string): void {
    const charge = textBytes(text);
    if (charge > this.maxBytes || this.#texts.has(text)) return;
    for (const [oldest, oldestCharge] of this.#texts) {
      if (this.#bytes + charge <= this.maxBytes) break;
      this.#texts.delete(oldest);
      this.#bytes -= oldestCharge;
    }
    this.#texts.set(text, charge);
    this.#bytes += charge;
  }
}
