import { createHmac } from 'node:crypto';
import { fromWaId } from '@helpdesk/domain';
import { generateTraffic, type GeneratedPayload } from './generate-traffic.js';
import { envelopePaths, keyPaths, loadMetaShapes, valuesOf } from './meta-shape.fixtures.js';
import { MESSAGE_TYPES, STATUS_KINDS, STATUS_RANK, type StatusKind } from './message-types.js';
import { createPrng } from '@helpdesk/demo';
import type { TrafficOptions } from './traffic-options.js';

const options: TrafficOptions = {
  appSecret: 'app-secret',
  targets: [
    { phoneNumberId: '106540352242922', displayNumber: '+1 555 078 3881', wabaId: '102290129340398' },
    { phoneNumberId: '106540352242923', displayNumber: '+15550783882', wabaId: '102290129340398' },
  ],
  knownContacts: [{ name: 'Anna de Vries', waId: '31612345678' }],
  contacts: 40,
  count: 3000,
  rate: 100,
  startAt: new Date('2025-06-01T09:00:00.000Z'),
  duplicates: 0.05,
  outOfOrder: 0.2,
  unknownNumber: 0.02,
  batch: 3,
};

const run = (overrides: Partial<TrafficOptions> = {}, seed = 7): GeneratedPayload[] => [
  ...generateTraffic({ ...options, ...overrides }, createPrng(seed)),
];

describe('generateTraffic', () => {
  const payloads = run();
  const originals = payloads.filter((payload) => payload.description.duplicateOf === undefined);
  const parsed = originals.map((payload) => JSON.parse(payload.body));

  it('is reproducible: the same seed gives the same bytes, another seed other traffic', () => {
    expect(run({ count: 200 }).map((payload) => payload.body)).toEqual(
      payloads.slice(0, 200).map((payload) => payload.body),
    );
    expect(run({ count: 200 }, 8).map((payload) => payload.body)).not.toEqual(
      payloads.slice(0, 200).map((payload) => payload.body),
    );
  });

  it('generates exactly `count` payloads, and endlessly without one', () => {
    expect(payloads).toHaveLength(3000);
    const endless = generateTraffic({ ...options, count: undefined }, createPrng(1));
    let pulled = 0;
    while (pulled < 5000 && !endless.next().done) pulled++;
    expect(pulled).toBe(5000);
  });

  it("signs the raw body with the app secret, as Meta's X-Hub-Signature-256", () => {
    for (const payload of payloads.slice(0, 100)) {
      const expected = createHmac('sha256', 'app-secret').update(Buffer.from(payload.body, 'utf8')).digest('hex');
      expect(payload.signature).toBe(`sha256=${expected}`);
    }
  });

  it('escapes slashes and non-ASCII as Meta does, so re-serialised JSON would not match the signature', () => {
    expect(payloads.every((payload) => /^[\x20-\x7e]*$/.test(payload.body))).toBe(true);
    expect(payloads.some((payload) => payload.body.includes('\\/'))).toBe(true);
    expect(payloads.some((payload) => JSON.stringify(JSON.parse(payload.body)) !== payload.body)).toBe(true);
  });

  it("has the envelope of Meta's payloads: object, entries of changes with field and value", () => {
    const shapes = loadMetaShapes();
    const unknownPaths = new Set(
      parsed.flatMap((payload) => envelopePaths(payload).filter((path) => !shapes.envelope.has(path))),
    );
    expect([...unknownPaths]).toEqual([]);
    const values = parsed.flatMap((payload) =>
      payload.entry.map((entry: { changes: { value: unknown }[] }) => entry.changes),
    );
    expect(new Set(parsed.map((payload) => payload.object))).toEqual(new Set(['whatsapp_business_account']));
    for (const changes of values.slice(0, 200)) {
      expect(changes).toEqual([
        {
          field: 'messages',
          value: expect.objectContaining({
            messaging_product: 'whatsapp',
            metadata: {
              display_phone_number: expect.stringMatching(/^\d+$/),
              phone_number_id: expect.stringMatching(/^\d+$/),
            },
          }),
        },
      ]);
    }
  });

  it('gives each message type the shape of the real messages of that type', () => {
    const { messagesByType } = loadMetaShapes();
    // An edit carries the new message, shaped like a message of its own type (text here, an image in the fixture).
    const ownType = /^edit\.message\.(text|image)\./;
    const contextPaths = new Set([...messagesByType.values()].flat(2).filter((path) => path.startsWith('context.')));
    const problems = new Set<string>();
    for (const payload of parsed) {
      for (const message of valuesOf(payload, 'messages') as { type: string; edit?: { message: object } }[]) {
        const real = messagesByType.get(message.type);
        if (!real) {
          problems.add(`no real message of type ${message.type}`);
          continue;
        }
        // Replying, forwarding and captioning (images, videos, documents) are the contact's choice, not the type's shape.
        const union = new Set([
          ...real.flat(),
          ...contextPaths,
          ...['image', 'video', 'document'].map((media) => `${media}.caption`),
        ]);
        const common = real
          .reduce((all, paths) => all.filter((path) => paths.includes(path)))
          .filter((path) => !contextPaths.has(path) && !path.endsWith('.caption') && !ownType.test(path));
        const ours = keyPaths(message).filter((path) => !ownType.test(path));
        for (const path of ours) if (!union.has(path)) problems.add(`${message.type} has ${path}, no real one does`);
        for (const path of common)
          if (!ours.includes(path)) problems.add(`${message.type} lacks ${path}, every real one has`);
        if (message.edit) {
          expect(message.edit.message).toEqual({
            context: { id: expect.any(String) },
            type: 'text',
            text: { body: expect.any(String) },
          });
        }
      }
    }
    expect([...problems]).toEqual([]);
  });

  it('gives statuses the shape of the real status webhooks', () => {
    const { statuses } = loadMetaShapes();
    const all = parsed.flatMap((payload) => valuesOf(payload, 'statuses'));
    expect(new Set(all.flatMap((status) => keyPaths(status).filter((path) => !statuses.has(path))))).toEqual(new Set());
    for (const status of all.slice(0, 300)) {
      expect(status).toMatchObject({
        id: expect.stringMatching(/^wamid\./),
        timestamp: expect.stringMatching(/^\d+$/),
      });
    }
  });

  it('sends every message type and every status over a run', () => {
    const types = new Set(payloads.flatMap((payload) => payload.description.messages.map((message) => message.type)));
    const kinds = new Set(payloads.flatMap((payload) => payload.description.statuses.map((status) => status.kind)));
    expect([...types].sort()).toEqual([...MESSAGE_TYPES].sort());
    expect([...kinds].sort()).toEqual([...STATUS_KINDS].sort());
  });

  it('writes from wa_ids the help desk reads as phone numbers, and timestamps from the start on', () => {
    const start = options.startAt.getTime() / 1000;
    for (const payload of parsed) {
      for (const message of valuesOf(payload, 'messages') as { from: string; timestamp: string }[]) {
        expect(() => fromWaId(message.from)).not.toThrow();
        expect(Number(message.timestamp)).toBeGreaterThanOrEqual(start);
      }
    }
    const froms = new Set(payloads.flatMap((payload) => payload.description.messages.map((message) => message.from)));
    expect(froms.has('31612345678')).toBe(true);
  });

  it('redelivers about the requested share of payloads, byte for byte', () => {
    const duplicates = payloads.filter((payload) => payload.description.duplicateOf !== undefined);
    expect(duplicates.length / payloads.length).toBeGreaterThan(0.035);
    expect(duplicates.length / payloads.length).toBeLessThan(0.065);
    for (const duplicate of duplicates) {
      const original = payloads[duplicate.description.duplicateOf!];
      expect([duplicate.body, duplicate.signature]).toEqual([original.body, original.signature]);
    }
    expect(run({ duplicates: 0, count: 500 }).some((payload) => payload.description.duplicateOf !== undefined)).toBe(
      false,
    );
  });

  it('delivers about the requested share of status lifecycles out of order', () => {
    const arrivals = new Map<string, StatusKind[]>();
    for (const payload of originals) {
      for (const status of payload.description.statuses)
        arrivals.set(status.wamid, [...(arrivals.get(status.wamid) ?? []), status.kind]);
    }
    const lifecycles = [...arrivals.values()].filter((kinds) => kinds.length >= 2);
    const disordered = lifecycles.filter((kinds) =>
      kinds.some((kind, i) => i > 0 && STATUS_RANK[kind] < STATUS_RANK[kinds[i - 1]]),
    );
    expect(lifecycles.length).toBeGreaterThan(500);
    expect(disordered.length / lifecycles.length).toBeGreaterThan(0.14);
    expect(disordered.length / lifecycles.length).toBeLessThan(0.26);
    const flagged = originals.flatMap((payload) => payload.description.statuses.filter((status) => status.outOfOrder));
    expect(new Set(flagged.map((status) => status.wamid)).size).toBeGreaterThanOrEqual(disordered.length);
  });

  it('addresses about the requested share to numbers nobody connected', () => {
    const unknown = originals.filter((payload) => payload.description.unknownNumber);
    const connected = new Set(options.targets.map((target) => target.phoneNumberId));
    expect(unknown.length / originals.length).toBeGreaterThan(0.01);
    expect(unknown.length / originals.length).toBeLessThan(0.03);
    for (const payload of unknown) {
      expect(payload.description.messages.every((message) => !connected.has(message.phoneNumberId))).toBe(true);
      expect(payload.description.statuses).toEqual([]);
    }
  });

  it('batches up to `batch` messages or statuses per change, and some payloads carry several entries', () => {
    const changes = parsed.flatMap((payload) =>
      payload.entry.map((entry: { changes: { value: object }[] }) => entry.changes[0].value),
    );
    const sizes = changes.map(
      (value: { messages?: unknown[]; statuses?: unknown[] }) => (value.messages ?? value.statuses ?? []).length,
    );
    expect(Math.max(...sizes)).toBe(3);
    expect(Math.min(...sizes)).toBe(1);
    expect(parsed.some((payload) => payload.entry.length > 1)).toBe(true);
    const single = run({ batch: 1, multiEntry: 0, count: 300 }).map((payload) => JSON.parse(payload.body));
    expect(
      single.every(
        (payload) =>
          payload.entry.length === 1 &&
          valuesOf(payload, 'messages').length + valuesOf(payload, 'statuses').length === 1,
      ),
    ).toBe(true);
  });

  it('refuses options it cannot honour, naming each problem', () => {
    expect(() => run({ targets: [], duplicates: 2, batch: 0 })).toThrow(
      /no target.*batch must be a positive integer.*duplicates must be between 0 and 1/,
    );
  });
});
