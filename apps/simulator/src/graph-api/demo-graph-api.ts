import { randomBytes } from 'node:crypto';
import { type AcceptedMessage, FakeGraphApi } from '@helpdesk/fake-graph-api';
import { unixSeconds } from '../meta-ids.js';
import { metaJson, signatureOf } from '../sign-payload.js';
import type { BusinessNumber } from '../traffic-options.js';
import { webhookPayload } from '../webhook-envelope.js';

export interface DemoGraphApiOptions {
  /** On 127.0.0.1 only; 0 for any free port (tests). */
  readonly port: number;
  /** The API's WHATSAPP_ACCESS_TOKEN: the fake refuses any other bearer token, like Meta. */
  readonly accessToken: string;
  /** The numbers seed-demo connected: their WABA lists them (the ownership check), statuses name them. */
  readonly targets: readonly BusinessNumber[];
  /** Where the status webhooks go (the API's /webhooks/whatsapp), signed with `appSecret`. */
  readonly webhookUrl: string;
  readonly appSecret: string;
  /** Between an accepted message and its `sent` status, then between each status and the next. */
  readonly statusDelayMs: number;
  /** Meta's clock for the statuses' timestamps; the system's by default. */
  readonly now?: () => Date;
  /** Told of every message accepted and every status posted, e.g. to print a line. */
  readonly onEvent?: (event: DemoGraphApiEvent) => void;
}

export type DemoGraphApiEvent =
  | { readonly kind: 'accepted'; readonly message: AcceptedMessage }
  | {
      readonly kind: 'status';
      readonly wamid: string;
      readonly status: ReportedStatus;
      /** The webhook's HTTP answer, or null when none came after every attempt. */
      readonly httpStatus: number | null;
    };

export type ReportedStatus = 'sent' | 'delivered' | 'read';

/** What happens to a message Meta accepted, when its contact has a phone and reads it. */
const LIFECYCLE: readonly ReportedStatus[] = ['sent', 'delivered', 'read'];
const ATTEMPTS = 5;

/**
 * Meta's Graph API for the demo: the fake the tests use, answering for the demo's WABA and
 * numbers, which then reports every message it accepted as sent, delivered and read with signed
 * status webhooks naming the wamid it answered, as Meta does.
 */
export class DemoGraphApi {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly posting = new Set<Promise<void>>();
  private closed = false;

  private constructor(
    readonly fake: FakeGraphApi,
    private readonly options: DemoGraphApiOptions,
  ) {}

  static async start(options: DemoGraphApiOptions): Promise<DemoGraphApi> {
    let demo: DemoGraphApi | undefined;
    const fake = await FakeGraphApi.start({
      accessToken: options.accessToken,
      port: options.port,
      onAccepted: (message) => demo?.accepted(message),
    });
    demo = new DemoGraphApi(fake, options);
    for (const [wabaId, numbers] of byWaba(options.targets)) fake.holdNumbers(wabaId, numbers);
    return demo;
  }

  /** What WHATSAPP_API_URL is set to. */
  get baseUrl(): string {
    return this.fake.baseUrl;
  }

  /** Stops reporting (statuses not yet due are dropped) and closes the server. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.posting);
    await this.fake.close();
  }

  private accepted(message: AcceptedMessage): void {
    this.options.onEvent?.({ kind: 'accepted', message });
    const business = this.options.targets.find((target) => target.phoneNumberId === message.phoneNumberId);
    // A number the demo did not seed has no WABA to name in the webhook: Meta would not report it to us either.
    if (!business) return;
    const conversationId = randomBytes(16).toString('hex');
    LIFECYCLE.forEach((status, index) => {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          if (this.closed) return;
          const posting = this.report(business, message, status, conversationId);
          this.posting.add(posting);
          void posting.finally(() => this.posting.delete(posting));
        },
        this.options.statusDelayMs * (index + 1),
      );
      this.timers.add(timer);
    });
  }

  private async report(
    business: BusinessNumber,
    message: AcceptedMessage,
    status: ReportedStatus,
    conversationId: string,
  ): Promise<void> {
    const at = (this.options.now ?? (() => new Date()))();
    const base = { id: message.wamid, status, timestamp: unixSeconds(at), recipient_id: message.recipientWaId };
    // Meta prices the conversation on sent and delivered; a read status carries neither.
    const priced =
      status === 'read'
        ? base
        : {
            ...base,
            conversation: { id: conversationId, origin: { type: 'service' } },
            pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
          };
    const body = metaJson(webhookPayload([{ business, statuses: [priced] }]));
    const httpStatus = await this.post(body);
    this.options.onEvent?.({ kind: 'status', wamid: message.wamid, status, httpStatus });
  }

  /** The same bytes and signature until a 2xx, a few times with a backoff (Meta retries for days). */
  private async post(body: string): Promise<number | null> {
    const headers = {
      'content-type': 'application/json',
      'x-hub-signature-256': signatureOf(body, this.options.appSecret),
    };
    let last: number | null = null;
    for (let attempt = 1; attempt <= ATTEMPTS && !this.closed; attempt++) {
      try {
        const response = await fetch(this.options.webhookUrl, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        last = response.status;
        if (response.ok) return last;
      } catch {
        last = null;
      }
      if (attempt < ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** (attempt - 1)));
    }
    return last;
  }
}

function byWaba(targets: readonly BusinessNumber[]): Map<string, { id: string; display_phone_number: string }[]> {
  const wabas = new Map<string, { id: string; display_phone_number: string }[]>();
  for (const { wabaId, phoneNumberId, displayNumber } of targets) {
    const numbers = wabas.get(wabaId) ?? [];
    numbers.push({ id: phoneNumberId, display_phone_number: displayNumber });
    wabas.set(wabaId, numbers);
  }
  return wabas;
}
