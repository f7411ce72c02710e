import { type ExportLine, type ExportTrailer, type ExportedEvent, ExportChain } from './export-format.js';
import type { ExportSigner } from './export-keys.js';

/** An export split into its event lines (hashes dropped) and its trailer. */
export interface ParsedExport {
  readonly events: ExportedEvent[];
  readonly trailer: ExportTrailer;
}

export function parseExport(text: string): ParsedExport {
  const lines = text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as ExportLine & Partial<ExportTrailer>);
  const trailer = lines.pop() as unknown as ExportTrailer;
  return { events: lines.map(({ prevHash: _prev, hash: _hash, ...event }) => event), trailer };
}

/**
 * What a forger makes of edited events: a valid SHA-256 chain and a trailer that describes it.
 * With `signer`, signed by that key (the operator's own key: an insider; or another); without, the
 * original signature is kept, which no longer covers the trailer.
 */
export function rechained(
  scope: string,
  events: readonly ExportedEvent[],
  original: ExportTrailer,
  signer?: ExportSigner,
): string {
  const forger: ExportSigner = signer ?? { keyId: original.keyId, publicKeyPem: '', sign: () => original.signature };
  const chain = new ExportChain(scope, forger);
  return events.map((event) => chain.line(event)).join('') + chain.trailer();
}
