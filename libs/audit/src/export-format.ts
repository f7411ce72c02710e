import { createHash } from 'node:crypto';
import type { RecordedEvent } from '@helpdesk/event-store';
import { canonicalJson } from './canonical-json.js';
import { type ExportSigner, SIGNATURE_ALGORITHM } from './export-keys.js';
import type { RevealMark } from './replay/reveals.js';

/** The trailer's `format`: v1 ended with an unsigned `summary` line, v2 with a signed trailer. */
export const EXPORT_FORMAT = 'helpdesk-export/2';

/** The hash the first line chains to. */
export const GENESIS_HASH = '0'.repeat(64);

/** One event as exported: bigints as decimal strings, the time as ISO. */
export interface ExportedEvent {
  readonly stream: string;
  readonly revision: string;
  readonly position: { readonly commit: string; readonly prepare: string };
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly created: string;
  /**
   * Only on a line whose quarantined content is shown (a GraphQL export by the auditor who revealed
   * it): the recorded reveal it is shown under. Chained and signed like every other field.
   */
  readonly revealed?: RevealMark;
}

/** An event line: the event, the previous line's hash and this line's hash. */
export interface ExportLine extends ExportedEvent {
  readonly prevHash: string;
  readonly hash: string;
}

/** Where an event is: what the trailer says of the first and last line. */
export interface EventRef {
  readonly stream: string;
  readonly revision: string;
  readonly position: { readonly commit: string; readonly prepare: string };
}

/** The last line: what the export holds, signed, so that no line can be cut, added or rewritten unseen. */
export interface ExportTrailer {
  readonly format: typeof EXPORT_FORMAT;
  readonly scope: string;
  readonly count: number;
  readonly first: EventRef | null;
  readonly last: EventRef | null;
  readonly headHash: string;
  readonly alg: typeof SIGNATURE_ALGORITHM;
  readonly keyId: string;
  readonly signature: string;
}

export function toExportedEvent(event: RecordedEvent): ExportedEvent {
  return {
    stream: event.streamName,
    revision: event.revision.toString(),
    position: { commit: event.position.commit.toString(), prepare: event.position.prepare.toString() },
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    created: event.created.toISOString(),
  };
}

export function refOf(event: ExportedEvent): EventRef {
  return {
    stream: event.stream,
    revision: event.revision,
    position: { commit: event.position.commit, prepare: event.position.prepare },
  };
}

/** SHA-256 of the previous hash and the event's canonical JSON. */
export function hashOf(prevHash: string, event: ExportedEvent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(event)).digest('hex');
}

/** The bytes a trailer's signature covers: its canonical JSON without the signature. */
export function signedBytesOf(trailer: Omit<ExportTrailer, 'signature'> & { signature?: unknown }): Buffer {
  const { signature: _signature, ...signed } = trailer;
  return Buffer.from(canonicalJson(signed));
}

/** Builds the chain one event at a time, so an export streams instead of holding every event. */
export class ExportChain {
  private lastHash = GENESIS_HASH;
  private count = 0;
  private first: EventRef | null = null;
  private last: EventRef | null = null;

  constructor(
    private readonly scope: string,
    private readonly signer: ExportSigner,
  ) {}

  line(event: RecordedEvent | ExportedEvent): string {
    const exported = 'streamName' in event ? toExportedEvent(event) : event;
    const hash = hashOf(this.lastHash, exported);
    const line: ExportLine = { ...exported, prevHash: this.lastHash, hash };
    this.lastHash = hash;
    this.count += 1;
    this.first ??= refOf(exported);
    this.last = refOf(exported);
    return `${JSON.stringify(line)}\n`;
  }

  /** The signed trailer line; the export is complete once it is written. */
  trailer(): string {
    const unsigned = {
      format: EXPORT_FORMAT,
      scope: this.scope,
      count: this.count,
      first: this.first,
      last: this.last,
      headHash: this.lastHash,
      alg: SIGNATURE_ALGORITHM,
      keyId: this.signer.keyId,
    } as const;
    const trailer: ExportTrailer = { ...unsigned, signature: this.signer.sign(signedBytesOf(unsigned)) };
    return `${JSON.stringify(trailer)}\n`;
  }
}

export const conversationScope = (conversationId: string): string => `conversation ${conversationId}`;
export const portalScope = (portalId: string): string => `portal ${portalId}`;

/** The conversation or portal a scope names; null for anything else. */
export function parseScope(scope: string): { readonly kind: 'conversation' | 'portal'; readonly id: string } | null {
  const match = /^(conversation|portal) (\S.*)$/.exec(scope);
  return match ? { kind: match[1] as 'conversation' | 'portal', id: match[2] } : null;
}
