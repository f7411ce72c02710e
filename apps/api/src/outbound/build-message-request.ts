import type { OutboundMedia, ReplyAccepted, ReplyContent, TemplateMessageAccepted } from '@helpdesk/domain';

/** The accepted messages the dispatcher sends: what an agent wrote, or an approved template. */
export type AcceptedOutboundMessage =
  Pick<ReplyAccepted, 'type' | 'data'> | Pick<TemplateMessageAccepted, 'type' | 'data'>;

type MediaKind = OutboundMedia['kind'];

export interface MediaObject {
  readonly id?: string;
  readonly link?: string;
  readonly caption?: string;
  readonly filename?: string;
}

export interface TemplateComponent {
  readonly type: 'header' | 'body';
  readonly parameters: readonly { readonly type: 'text'; readonly text: string }[];
}

export type MessagePayload =
  | { readonly type: 'text'; readonly text: { readonly body: string; readonly preview_url: boolean } }
  | ({ readonly type: MediaKind } & { readonly [kind in MediaKind]?: MediaObject })
  | {
      readonly type: 'template';
      readonly template: {
        readonly name: string;
        readonly language: { readonly code: string; readonly policy: 'deterministic' };
        readonly components?: readonly TemplateComponent[];
      };
    };

/** The body of `POST /{phone-number-id}/messages`, as Meta's Cloud API reference documents it. */
export type GraphMessageBody = {
  readonly messaging_product: 'whatsapp';
  readonly recipient_type: 'individual';
  readonly to: string;
  /** Our message id: Meta echoes it in every status webhook of the message, so a lost wamid is found again. */
  readonly biz_opaque_callback_data: string;
} & MessagePayload;

/** Meta shows captions on images, videos and documents only, and file names on documents only. */
const CAPTIONED: ReadonlySet<MediaKind> = new Set(['image', 'video', 'document']);

export function buildMessageRequest(message: AcceptedOutboundMessage, recipientWaId: string): GraphMessageBody {
  const envelope = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: recipientWaId,
    biz_opaque_callback_data: message.data.messageId,
  } as const;
  if (message.type === 'ReplyAccepted') return { ...envelope, ...replyPayload(message.data.content) };
  return { ...envelope, ...templatePayload(message.data) };
}

function replyPayload(content: ReplyContent): MessagePayload {
  if (content.kind === 'text') {
    return { type: 'text', text: { body: content.body, preview_url: /https?:\/\/\S/.test(content.body) } };
  }
  return { type: content.kind, [content.kind]: mediaObject(content) };
}

/** By Meta's media id when it was uploaded, else by link (the decider accepted exactly one of them). */
function mediaObject(media: OutboundMedia): MediaObject {
  const source = media.mediaId !== undefined ? { id: media.mediaId } : { link: media.link };
  const caption = CAPTIONED.has(media.kind) && media.caption ? { caption: media.caption } : {};
  const filename = media.kind === 'document' && media.filename ? { filename: media.filename } : {};
  return { ...source, ...caption, ...filename };
}

/** Parameters bind {{1}}, {{2}}, ... in order, as text; a part without parameters needs no component. */
function templatePayload(data: TemplateMessageAccepted['data']): MessagePayload {
  const { header = [], body } = data.parameters;
  const components: TemplateComponent[] = [
    ...(header.length > 0 ? [component('header', header)] : []),
    ...(body.length > 0 ? [component('body', body)] : []),
  ];
  const language = { code: data.language, policy: 'deterministic' } as const;
  return {
    type: 'template',
    template: { name: data.templateName, language, ...(components.length > 0 && { components }) },
  };
}

function component(type: TemplateComponent['type'], values: readonly string[]): TemplateComponent {
  return { type, parameters: values.map((text) => ({ type: 'text', text })) };
}
