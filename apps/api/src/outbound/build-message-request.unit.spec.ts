import type { OutboundMedia, ReplyAccepted, TemplateMessageAccepted } from '@helpdesk/domain';
import { messageBodyProblem } from '@helpdesk/fake-graph-api';
import { buildMessageRequest } from './build-message-request.js';

const to = '33612345678';
const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to, biz_opaque_callback_data: 'out-1' };

function reply(content: ReplyAccepted['data']['content']): Pick<ReplyAccepted, 'type' | 'data'> {
  return {
    type: 'ReplyAccepted',
    data: {
      messageId: 'out-1',
      ticketId: 'ticket-1',
      sessionId: 'session-1',
      content,
      acceptedAt: '2025-03-10T10:00:00.000Z',
      countedAs: 'free',
      ruleVersion: 'conversations/2024-11-01',
    },
  };
}

function template(
  parameters: TemplateMessageAccepted['data']['parameters'],
): Pick<TemplateMessageAccepted, 'type' | 'data'> {
  return {
    type: 'TemplateMessageAccepted',
    data: {
      messageId: 'out-1',
      ticketId: null,
      templateName: 'order_ready',
      language: 'en_US',
      renderedText: 'Hi Ana, your order 42 is ready.',
      parameters,
      conversationKind: 'business_initiated',
      sessionId: null,
      acceptedAt: '2025-03-10T10:00:00.000Z',
      ruleVersion: 'conversations/2024-11-01',
    },
  };
}

const media = (overrides: Partial<OutboundMedia> & Pick<OutboundMedia, 'kind'>): OutboundMedia => ({
  mimeType: 'application/octet-stream',
  sizeBytes: 1024,
  mediaId: 'media-1',
  ...overrides,
});

describe("Building Meta's request for an accepted message", () => {
  it('sends a text, with a link preview only when it has a link', () => {
    expect(buildMessageRequest(reply({ kind: 'text', body: 'Your order shipped' }), to)).toEqual({
      ...envelope,
      type: 'text',
      text: { body: 'Your order shipped', preview_url: false },
    });
    const withLink = buildMessageRequest(reply({ kind: 'text', body: 'Track it: https://track.example.com/42' }), to);
    expect(withLink).toMatchObject({ text: { preview_url: true } });
  });

  it.each([
    [
      'an image by media id, with its caption',
      media({ kind: 'image', caption: 'Receipt' }),
      { image: { id: 'media-1', caption: 'Receipt' } },
    ],
    [
      'a video by link',
      media({ kind: 'video', mediaId: undefined, link: 'https://cdn.example.com/v.mp4' }),
      { video: { link: 'https://cdn.example.com/v.mp4' } },
    ],
    [
      'a document with its caption and file name',
      media({ kind: 'document', caption: 'Invoice', filename: 'invoice.pdf' }),
      { document: { id: 'media-1', caption: 'Invoice', filename: 'invoice.pdf' } },
    ],
    [
      'audio, without the caption Meta does not show',
      media({ kind: 'audio', caption: 'ignored' }),
      { audio: { id: 'media-1' } },
    ],
    ['a sticker', media({ kind: 'sticker', filename: 'ignored.webp' }), { sticker: { id: 'media-1' } }],
  ])('sends %s', (_, content, expected) => {
    expect(buildMessageRequest(reply(content), to)).toEqual({ ...envelope, type: content.kind, ...expected });
  });

  it('sends a template with its language and its header and body parameters as components, in order', () => {
    expect(buildMessageRequest(template({ header: ['Acme'], body: ['Ana', '42'] }), to)).toEqual({
      ...envelope,
      type: 'template',
      template: {
        name: 'order_ready',
        language: { code: 'en_US', policy: 'deterministic' },
        components: [
          { type: 'header', parameters: [{ type: 'text', text: 'Acme' }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ana' },
              { type: 'text', text: '42' },
            ],
          },
        ],
      },
    });
  });

  it('sends a template without parameters without components', () => {
    const body = buildMessageRequest(template({ body: [] }), to);
    const language = { code: 'en_US', policy: 'deterministic' };
    expect(body).toEqual({ ...envelope, type: 'template', template: { name: 'order_ready', language } });
  });

  it("builds only bodies the fake Graph API's checks (Meta's reference) accept", () => {
    const bodies = [
      buildMessageRequest(reply({ kind: 'text', body: 'Hi' }), to),
      ...(['image', 'video', 'audio', 'document', 'sticker'] as const).map((kind) =>
        buildMessageRequest(reply(media({ kind, caption: 'c', filename: 'f.pdf' })), to),
      ),
      buildMessageRequest(reply(media({ kind: 'image', mediaId: undefined, link: 'https://x.example.com/a.png' })), to),
      buildMessageRequest(template({ header: ['Acme'], body: ['Ana'] }), to),
      buildMessageRequest(template({ body: [] }), to),
    ];
    expect(bodies.map(messageBodyProblem)).toEqual(bodies.map(() => null));
  });
});
