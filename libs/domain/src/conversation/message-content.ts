import type { TemplateParameters } from '../template/index.js';

/**
 * What a message carries, as the help desk keeps it: Meta's media ids and checksums, never the
 * bytes (media are fetched later from Meta by id).
 */
export interface InboundMedia {
  readonly mediaId: string;
  readonly mimeType: string;
  readonly sha256?: string;
  readonly caption?: string;
  readonly filename?: string;
}

export interface SharedContact {
  readonly formattedName: string;
  readonly phones: readonly { readonly phone: string; readonly waId?: string; readonly type?: string }[];
  readonly emails?: readonly string[];
}

export type SupportedInboundContent =
  | { readonly kind: 'text'; readonly body: string }
  | ({ readonly kind: 'image' | 'video' | 'audio' | 'voice' | 'document' } & InboundMedia)
  | ({ readonly kind: 'sticker'; readonly animated?: boolean } & InboundMedia)
  | {
      readonly kind: 'location';
      readonly latitude: number;
      readonly longitude: number;
      readonly name?: string;
      readonly address?: string;
    }
  | { readonly kind: 'contacts'; readonly contacts: readonly SharedContact[] }
  /** A tap on an interactive message's reply button or list row. */
  | {
      readonly kind: 'interactive_reply';
      readonly replyType: 'button' | 'list';
      readonly replyId: string;
      readonly title: string;
      readonly description?: string;
    }
  /** A tap on a template's quick-reply button. */
  | { readonly kind: 'button_reply'; readonly payload: string; readonly text: string };

/** Inbound messages the help desk cannot show: kept in the thread as a placeholder, never dropped. */
export type UnsupportedKind =
  | 'reaction'
  | 'reaction_removed'
  | 'deleted'
  | 'edited'
  | 'unsupported_attachment'
  | 'unsupported_type'
  | 'system'
  | 'unknown';

export type InboundContent =
  | SupportedInboundContent
  | { readonly kind: 'unsupported'; readonly unsupportedKind: UnsupportedKind; readonly detail: string };

export type OutboundMediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/**
 * Exactly one source: `upload` (an agent's file kept by the help desk, uploaded to Meta just before
 * it is sent), `mediaId` (already at Meta) or `link` (fetched by Meta).
 */
export interface OutboundMedia {
  readonly kind: OutboundMediaKind;
  readonly mimeType: string;
  readonly sizeBytes: number;
  readonly mediaId?: string;
  readonly link?: string;
  readonly upload?: MediaUploadReference;
  readonly caption?: string;
  readonly filename?: string;
  /** Stickers only: animated stickers may be larger. Unknown means the larger limit. */
  readonly animated?: boolean;
}

/** An agent's upload in the help desk's media store: Meta's media id is not known until it is sent. */
export interface MediaUploadReference {
  readonly uploadId: string;
  readonly storageKey: string;
  /** Hex SHA-256 of the bytes as uploaded. */
  readonly sha256: string;
}

export type ReplyContent = { readonly kind: 'text'; readonly body: string } | OutboundMedia;

export interface TemplateToSend {
  readonly name: string;
  readonly language: string;
  /** The body with its parameters bound, as the contact will read it. */
  readonly renderedText: string;
  readonly renderedHeader?: string;
  readonly parameters: TemplateParameters;
}
