/** What contacts write and send: support-desk phrases in a few languages, with emoji and links. */
export const TEXTS = [
  'Hi, my order has not arrived yet',
  'Hello! Can you tell me when you open tomorrow?',
  'I was charged twice for order #48213 😕',
  'Bonjour, je voudrais changer mon adresse de livraison',
  'Hallo, mijn pakket is beschadigd aangekomen',
  'Guten Tag, ist der Artikel wieder lieferbar?',
  'Hola, ¿puedo devolver un producto sin la caja?',
  'Olá! Quero cancelar a minha assinatura',
  'Thanks a lot, that solved it 🙏',
  'The link https://example.com/track/ZX81 says "label created" since Monday',
  'Can I pay with a gift card?',
  'ok',
  'Still waiting for an answer...',
  'Where do I find my invoice? I need it for work/taxes',
  'Perfect, see you then 👍',
  'My code is not working: WELCOME10',
] as const;

export const EDITED_TEXTS = [
  'Correction: order #48231, not #48213',
  'Sorry, I meant Tuesday',
  'Edit: it arrived after all',
] as const;

export const CAPTIONS = ['Here is the damage', 'Screenshot of the error', 'The label', 'See attached', ''] as const;

export const DOCUMENTS = [
  { filename: 'invoice-2025-03.pdf', mimeType: 'application/pdf' },
  { filename: 'return-form.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  { filename: 'receipt.jpg', mimeType: 'image/jpeg' },
  { filename: 'order-list.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
] as const;

export const LOCATIONS = [
  { latitude: 52.3731, longitude: 4.8922, name: 'Dam Square', address: 'Dam, 1012 JS Amsterdam' },
  { latitude: 48.8584, longitude: 2.2945, name: 'Eiffel Tower', address: 'Champ de Mars, 75007 Paris' },
  { latitude: 37.4611978, longitude: -122.2164385, name: 'Facebook HQ', address: '1 Hacker Way, Menlo Park, CA 94025' },
  { latitude: 51.5007, longitude: -0.1246 },
] as const;

export const EMOJI = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

export const BUTTON_REPLIES = [
  { id: 'track_order', title: 'Track my order' },
  { id: 'talk_to_agent', title: 'Talk to an agent' },
  { id: 'opt_out', title: 'Stop promotions' },
] as const;

export const LIST_REPLIES = [
  { id: 'returns', title: 'Returns', description: 'Send something back' },
  { id: 'billing', title: 'Billing', description: 'Invoices and payments' },
  { id: 'delivery', title: 'Delivery' },
] as const;

export const UNSUPPORTED_KINDS = ['poll', 'event', 'ephemeral', undefined] as const;

/** Meta's errors on failed outbound messages. */
export const DELIVERY_ERRORS = [
  {
    code: 131047,
    title: 'Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  { code: 131026, title: 'Message undeliverable', details: 'Message Undeliverable.' },
  {
    code: 130472,
    title: "User's number is part of an experiment",
    details: "Failed to send message because this user's phone number is part of an experiment",
  },
  {
    code: 131049,
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  },
] as const;
