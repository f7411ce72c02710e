import { PENDING_MEDIA, type ThreadMessage } from '@helpdesk/projections/thread/index.js';
import { mediaPath } from '../media/media-id.js';
import { threadMessageModel } from './thread-message.model.js';

const image: ThreadMessage = {
  messageId: 'msg-1',
  portalId: 'acme',
  conversationId: 'acme-1-2',
  ticketId: 'ticket-1',
  position: 3,
  direction: 'inbound',
  type: 'image',
  content: { kind: 'image', mediaId: '111', mimeType: 'image/jpeg', caption: 'Broken' },
  placeholder: null,
  from: '+33612345678',
  to: '+15550001111',
  sentAt: '2025-03-10T09:00:00.000Z',
  wamid: 'wamid.1',
  quarantine: null,
  delivery: null,
  dispatch: null,
};

describe("A thread message's media content", () => {
  it('is pending with no url on rows written before media were downloaded', () => {
    expect(threadMessageModel(image).content).toMatchObject({ state: 'pending', url: null, size: null });
  });

  it('shows a failed download as failed, with no url', () => {
    const failed = {
      ...image,
      media: { ...PENDING_MEDIA, state: 'failed', attempts: 6, lastError: 'Meta answered 500' },
    };
    expect(threadMessageModel(failed as ThreadMessage).content).toMatchObject({ state: 'failed', url: null });
  });

  it("gives a stored media's url, stored type and size", () => {
    const media = { ...PENDING_MEDIA, state: 'stored', storageKey: 'ab/cd', mimeType: 'image/png', sizeBytes: 42 };
    expect(threadMessageModel({ ...image, media } as ThreadMessage).content).toMatchObject({
      state: 'stored',
      url: mediaPath('acme-1-2', 'msg-1'),
      mimeType: 'image/png',
      size: 42,
      fileName: 'image-msg-1.png',
    });
  });

  it('keeps a quarantined message without content', () => {
    const quarantined = { ...image, quarantine: { quarantinedAt: image.sentAt, reason: 'Policy' } };
    expect(threadMessageModel(quarantined).content).toBeNull();
  });
});
