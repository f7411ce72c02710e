import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DomainError,
  type MediaUploadReference,
  type Rulebook,
  conversationIdOf,
  conversationStreamName,
  toWaId,
} from '@helpdesk/domain';
import { type RecordedEvent, type SqliteEventStore, openSqliteEventStore } from '@helpdesk/event-store';
import { eventsOf } from '../../../../test/support/stream-events.js';
import { ConnectAccountCommand, ConnectAccountHandler } from '../channel/connect-account.handler.js';
import { RegisterPortalCommand, RegisterPortalHandler } from '../portal/register-portal.handler.js';
import { QuotaGate } from '../quota/quota-gate.js';
import type { Clock } from '../shared/clock.js';
import type { CommandOrigin } from '../shared/command-origin.js';
import { ApproveTemplateCommand, ApproveTemplateHandler } from '../template/approve-template.handler.js';
import { RegisterTemplateCommand, RegisterTemplateHandler } from '../template/register-template.handler.js';
import {
  type InboundMessage,
  ReceiveInboundMessageCommand,
  ReceiveInboundMessageHandler,
} from './receive-inbound-message.handler.js';
import { ReplyToContactHandler } from './reply-to-contact.handler.js';
import { SendTemplateHandler } from './send-template.handler.js';
import { ownershipNotChecked } from '../channel/phone-number-ownership.js';
import type { UploadClaims } from './upload-claims.js';

/** A portal with one connected WhatsApp number and one approved template, over a real embedded store. */
export const portalId = 'acme';
export const accountId = 'account-1';
export const phoneNumberId = '106540352242922';
export const businessPhone = '+15550001111';
export const contactPhone = '+33612345678';
export const template = { name: 'order_ready', language: 'en_US' };
export const admin: CommandOrigin = { portalId, actor: { kind: 'user', id: 'admin-1' } };
export const agent = (idempotencyKey?: string): CommandOrigin => ({
  portalId,
  actor: { kind: 'user', id: 'agent-1' },
  ...(idempotencyKey && { idempotencyKey }),
});
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export class TestClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return this.current;
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

/**
 * The portal's uploads as a set of ids, for the command tests (the API's are files: MediaUploads):
 * a claim of one not kept is refused as the API's is, and each claim is noted with the events the
 * conversation held at that moment.
 */
export class KeptUploads implements UploadClaims {
  private readonly kept = new Set<string>();
  readonly claims: { uploadId: string; portalId: string; eventsBefore: string[] }[] = [];
  /** What a claim notes as the conversation's events at that moment. */
  eventsNow: () => Promise<string[]> = async () => [];

  keep(upload: MediaUploadReference): MediaUploadReference {
    this.kept.add(upload.uploadId);
    return upload;
  }

  async claim(claimedFor: string, upload: MediaUploadReference): Promise<void> {
    if (claimedFor !== portalId || !this.kept.has(upload.uploadId))
      throw new DomainError('MEDIA_UPLOAD_NOT_FOUND', `No upload ${upload.uploadId}`, { uploadId: upload.uploadId });
    this.claims.push({ uploadId: upload.uploadId, portalId: claimedFor, eventsBefore: await this.eventsNow() });
  }
}

export const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

export function conversationOf(phone = contactPhone): string {
  return conversationIdOf({ portalId, phoneNumberId, contactWaId: toWaId(phone) });
}

export function inboundMessage(wamid: string, sentAt: string, from = contactPhone): InboundMessage {
  return { phoneNumberId, wamid, from, sentAt, content: { kind: 'text', body: `Hello (${wamid})` } };
}

export interface WorldOptions {
  readonly connectedAt: string;
  readonly subscriptionStartedOn?: string;
  readonly monthlyConversationLimit?: number;
  /** The rulebook the quota gate counts under (the repository's by default). */
  readonly rulebook?: Rulebook;
}

export async function openWorld({
  connectedAt,
  subscriptionStartedOn = '2024-01-15',
  monthlyConversationLimit,
  rulebook,
}: WorldOptions) {
  const dataDir = mkdtempSync(join(tmpdir(), 'conversation-'));
  const store: SqliteEventStore = openSqliteEventStore({ dataDir });
  const clock = new TestClock(new Date(connectedAt));
  const quota = new QuotaGate(store, rulebook);
  const uploads = new KeptUploads();
  await new RegisterPortalHandler(store, clock).execute(
    new RegisterPortalCommand(admin, {
      name: 'Acme',
      timeZone: 'Europe/Paris',
      subscriptionStartedOn,
      monthlyConversationLimit,
    }),
  );
  const number = { phoneNumberId, displayNumber: businessPhone };
  await new ConnectAccountHandler(store, clock, ownershipNotChecked).execute(
    new ConnectAccountCommand(admin, {
      ...{ accountId, wabaId: 'waba-1', name: 'Acme support', timeZone: 'Europe/Paris' },
      ...{ accountType: 'business', businessVerified: false, phoneNumbers: [number] },
    }),
  );
  const body = 'Hi {{1}}, your order {{2}} is ready.';
  await new RegisterTemplateHandler(store, clock).execute(
    new RegisterTemplateCommand(admin, { accountId, ...template, category: 'utility', body }),
  );
  await new ApproveTemplateHandler(store, clock).execute(new ApproveTemplateCommand(admin, { accountId, ...template }));

  return {
    dataDir,
    store,
    clock,
    receiver: new ReceiveInboundMessageHandler(store, clock),
    uploads,
    replies: new ReplyToContactHandler(store, clock, quota, uploads),
    templates: new SendTemplateHandler(store, clock, quota),
    receive(message: InboundMessage) {
      return this.receiver.execute(new ReceiveInboundMessageCommand(message));
    },
    eventsOf(stream: string): Promise<RecordedEvent[]> {
      return eventsOf(store, stream);
    },
    async typesOf(conversationId = conversationOf()): Promise<string[]> {
      return (await this.eventsOf(conversationStreamName(conversationId))).map((event) => event.type);
    },
    async close(): Promise<void> {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type World = Awaited<ReturnType<typeof openWorld>>;

export async function refusalOf(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof DomainError)) throw new Error(`Expected a DomainError, got ${String(error)}`);
  return error;
}
