import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_GRAPH_API_VERSION } from '@helpdesk/config';
import { type MetaErrorAnswer, graphErrors } from './graph-errors.js';
import { parseMultipart } from './multipart.js';
import { isReadReceipt, messageBodyProblem } from './validate-message.js';

/** How the fake answers one request. */
export type FakeAnswer =
  /** 200 with Meta's documented body and a new wamid (or the one given). */
  | { readonly kind: 'accept'; readonly wamid?: string }
  /** This JSON body as it is (the phone number list of a WABA). */
  | { readonly kind: 'json'; readonly httpStatus: number; readonly body: unknown }
  | MetaErrorAnswer
  /** Anything else a proxy in between might answer (an HTML 502, an empty 200, ...). */
  | { readonly kind: 'raw'; readonly httpStatus: number; readonly body: string; readonly contentType?: string }
  | { readonly kind: 'delay'; readonly ms: number; readonly then: FakeAnswer }
  /** Never answers, until `releaseHung` or `close`. */
  | { readonly kind: 'hang' }
  /** Reads the whole request, then destroys the connection without answering. */
  | { readonly kind: 'drop' }
  /** These bytes (a media download). */
  | { readonly kind: 'bytes'; readonly httpStatus: number; readonly body: Buffer; readonly contentType: string };

export type Behaviour = FakeAnswer | ((request: ReceivedRequest) => FakeAnswer | Promise<FakeAnswer>);

export interface ReceivedRequest {
  readonly sequence: number;
  readonly method: string;
  readonly path: string;
  readonly phoneNumberId: string | null;
  readonly authorization: string | undefined;
  /** The parsed JSON body, or null when it was not JSON. */
  readonly body: unknown;
  /** The bytes as received (a media upload is multipart, not JSON). */
  readonly rawBody: Buffer;
  readonly contentType: string | undefined;
  readonly receivedAt: Date;
  /** The HTTP status answered, 'dropped', or null while unanswered (hung or delayed). */
  outcome: number | 'dropped' | null;
}

export interface FakeGraphApiOptions {
  readonly accessToken: string;
  /** The Graph API version it answers under; the service's default (WHATSAPP_GRAPH_API_VERSION) unless given. */
  readonly version?: string;
  /** Accept any media id in a message, not only uploaded or held ones (tests of message shapes). */
  readonly anyMediaId?: boolean;
  /**
   * Meta's throughput limit per phone number: a valid message request beyond this many in the
   * second before it (by the fake's clock, for the same phone_number_id) is answered 130429 before
   * any script. Unlimited when absent.
   */
  readonly messagesPerSecond?: number;
  /** The clock of that limit (ms); the system's by default. */
  readonly now?: () => number;
  /** The port on 127.0.0.1 (never another interface: it is a fake); any free one (0) by default. */
  readonly port?: number;
  /** Told of every message answered 200 with a wamid (not read receipts), e.g. to report its statuses. */
  readonly onAccepted?: (message: AcceptedMessage) => void;
}

/** A message the fake accepted, as its statuses would name it. */
export interface AcceptedMessage {
  readonly wamid: string;
  readonly phoneNumberId: string;
  /** The recipient's wa_id (digits). */
  readonly recipientWaId: string;
  readonly type: string;
}

const MESSAGES_PATH = /^\/(v\d+\.\d+)\/(\d+)\/messages$/;
const PHONE_NUMBERS_PATH = /^\/(v\d+\.\d+)\/([^/?]+)\/phone_numbers(?:\?(.*))?$/;
const MEDIA_PATH = /^\/(v\d+\.\d+)\/(\d+)$/;
const MEDIA_DOWNLOAD_PATH = /^\/media-download\/(\d+)$/;
const MEDIA_UPLOAD_PATH = /^\/(v\d+\.\d+)\/(\d+)\/media$/;
/** The types Meta's media endpoint takes (Cloud API, "Supported media types"). */
const UPLOADABLE_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'video/mp4',
  'video/3gpp',
  'audio/aac',
  'audio/amr',
  'audio/mpeg',
  'audio/mp4',
  'audio/ogg',
  'application/pdf',
  'text/plain',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);

/** A file the business uploaded with `POST /{phone-number-id}/media`. */
export interface UploadedMedia extends HeldMedia {
  readonly phoneNumberId: string;
  readonly fileName: string | null;
}

/** A contact's media as Meta holds it; `sha256` overrides the true checksum (to test a mismatch). */
export interface HeldMedia {
  readonly bytes: Buffer;
  readonly mimeType: string;
  readonly sha256?: string;
}

/** One number as Meta lists it under a WABA (`GET /{waba-id}/phone_numbers`). */
export interface ListedPhoneNumber {
  /** The phone_number_id. */
  readonly id: string;
  /** Formatted as Meta shows it, e.g. "+1 555-010-0001". */
  readonly display_phone_number: string;
  readonly verified_name?: string;
}
export const accept: FakeAnswer = { kind: 'accept' };

/**
 * `POST /{version}/{phone-number-id}/messages` of Meta's Cloud API on 127.0.0.1: checks the bearer
 * token and the body like Meta, answers as scripted, and records every request it received.
 */
export class FakeGraphApi {
  readonly requests: ReceivedRequest[] = [];
  private readonly scripted: Behaviour[] = [];
  private fallback: Behaviour = accept;
  private readonly hung = new Map<ServerResponse, ReceivedRequest>();
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  private wamids = 0;
  private readonly wabas = new Map<string, readonly ListedPhoneNumber[]>();
  private readonly phoneNumbersScript: FakeAnswer[] = [];
  private readonly media = new Map<string, HeldMedia>();
  private readonly mediaScript: FakeAnswer[] = [];
  private readonly downloadScript: FakeAnswer[] = [];
  private readonly uploadScript: FakeAnswer[] = [];
  private readonly uploaded = new Map<string, UploadedMedia>();
  private uploads = 0;
  /** Per phone_number_id, when its recent messages were taken (ms), oldest first. */
  private readonly recentByNumber = new Map<string, number[]>();

  private constructor(
    private readonly server: Server,
    private readonly options: FakeGraphApiOptions & { readonly version: string },
  ) {}

  static async start(options: FakeGraphApiOptions): Promise<FakeGraphApi> {
    const server = createServer();
    const fake = new FakeGraphApi(server, { version: DEFAULT_GRAPH_API_VERSION, anyMediaId: false, ...options });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => void fake.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return fake;
  }

  /** What WHATSAPP_API_URL would be: the base URL, without a version. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** What the Graph API clients are given (the service's `whatsapp.apiUrl`): the base URL with the version. */
  get url(): string {
    return `${this.baseUrl}/${this.options.version}`;
  }

  /** Answers for the next valid requests, in order; after them the fallback (accept, unless changed). */
  script(...behaviours: Behaviour[]): this {
    this.scripted.push(...behaviours);
    return this;
  }

  otherwise(behaviour: Behaviour): this {
    this.fallback = behaviour;
    return this;
  }

  /**
   * Which numbers a WABA holds, as `GET /{waba-id}/phone_numbers` answers (Meta's page shape, `limit`
   * and `after` cursors). A WABA never set answers Meta's error for an unknown object (400, code 100).
   */
  holdNumbers(wabaId: string, numbers: readonly ListedPhoneNumber[]): this {
    this.wabas.set(wabaId, numbers);
    return this;
  }

  /** Answers for the next `GET /{waba-id}/phone_numbers` (valid ones), in order, before the WABA's list. */
  scriptPhoneNumbers(...answers: FakeAnswer[]): this {
    this.phoneNumbersScript.push(...answers);
    return this;
  }

  /**
   * Media Meta holds: `GET /{media-id}` answers `{url, mime_type, sha256, file_size, id, messaging_product}`
   * and `GET url` (`/media-download/{media-id}` here), with the same bearer token, the bytes.
   */
  holdMedia(mediaId: string, media: HeldMedia): this {
    this.media.set(mediaId, media);
    return this;
  }

  /** Answers for the next `GET /{media-id}` lookups, in order, before the held media's. */
  scriptMediaLookups(...answers: FakeAnswer[]): this {
    this.mediaScript.push(...answers);
    return this;
  }

  /** Answers for the next media downloads, in order, before the held bytes. */
  scriptMediaDownloads(...answers: FakeAnswer[]): this {
    this.downloadScript.push(...answers);
    return this;
  }

  /** Answers for the next valid `POST /{phone-number-id}/media`, in order, before the usual `{id}`. */
  scriptMediaUploads(...answers: FakeAnswer[]): this {
    this.uploadScript.push(...answers);
    return this;
  }

  /** The `POST /{phone-number-id}/media` requests received, whatever they were answered. */
  get mediaUploads(): ReceivedRequest[] {
    return this.requests.filter((request) => request.method === 'POST' && MEDIA_UPLOAD_PATH.test(request.path));
  }

  /** What the business uploaded under a media id Meta answered, or undefined. */
  uploadedMedia(mediaId: string): UploadedMedia | undefined {
    return this.uploaded.get(mediaId);
  }

  get mediaLookups(): ReceivedRequest[] {
    return this.requests.filter((request) => request.method === 'GET' && MEDIA_PATH.test(request.path));
  }

  /** The downloads of one media's bytes received, whatever they were answered. */
  mediaDownloads(mediaId?: string): ReceivedRequest[] {
    return this.requests.filter((request) => {
      const match = MEDIA_DOWNLOAD_PATH.exec(request.path);
      return request.method === 'GET' && match !== null && (mediaId === undefined || match[1] === mediaId);
    });
  }

  /** The `GET /{waba-id}/phone_numbers` requests received, and the `POST .../messages` ones. */
  get phoneNumberLookups(): ReceivedRequest[] {
    return this.requests.filter((request) => request.method === 'GET' && PHONE_NUMBERS_PATH.test(request.path));
  }

  get messageRequests(): ReceivedRequest[] {
    return this.requests.filter((request) => request.method === 'POST' && !MEDIA_UPLOAD_PATH.test(request.path));
  }

  /** The read receipts received (`status: 'read'`), whatever they were answered. */
  get readReceipts(): ReceivedRequest[] {
    return this.messageRequests.filter((request) => isReadReceipt(request.body));
  }

  /** The requests that carried our message id (`biz_opaque_callback_data`). */
  requestsFor(messageId: string): ReceivedRequest[] {
    return this.requests.filter((request) => callbackDataOf(request.body) === messageId);
  }

  /** Resolves once `count` requests in all were received and their answers chosen. */
  whenReceived(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  releaseHung(answer: FakeAnswer = accept): void {
    const hung = [...this.hung];
    this.hung.clear();
    for (const [response, received] of hung) void this.answer(response, received, answer);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    const raw = rawBody.toString('utf8');
    const match = MESSAGES_PATH.exec(request.url ?? '') ?? MEDIA_UPLOAD_PATH.exec(request.url ?? '');
    const received: ReceivedRequest = {
      sequence: this.requests.length,
      method: request.method ?? '',
      path: request.url ?? '',
      phoneNumberId: match?.[2] ?? null,
      authorization: request.headers.authorization,
      body: parseJson(raw),
      rawBody,
      contentType: request.headers['content-type'],
      receivedAt: new Date(),
      outcome: null,
    };
    this.requests.push(received);
    // Waiters resume once the answer is under way, so a hung request can already be released.
    const answering = this.answer(response, received, await this.decide(received, match));
    this.notifyWaiters();
    await answering;
  }

  private async decide(received: ReceivedRequest, match: RegExpExecArray | null): Promise<FakeAnswer> {
    const lookup = PHONE_NUMBERS_PATH.exec(received.path);
    if (received.method === 'GET' && lookup && lookup[1] === this.options.version)
      return this.listPhoneNumbers(received, lookup);
    const mediaLookup = MEDIA_PATH.exec(received.path);
    if (received.method === 'GET' && mediaLookup && mediaLookup[1] === this.options.version)
      return this.lookUpMedia(received, mediaLookup[2]);
    const download = MEDIA_DOWNLOAD_PATH.exec(received.path);
    if (received.method === 'GET' && download) return this.downloadMedia(received, download[1]);
    if (received.method !== 'POST' || match === null || match[1] !== this.options.version) {
      return graphErrors.unknownPath(received.method, received.path);
    }
    if (received.authorization !== `Bearer ${this.options.accessToken}`) return graphErrors.invalidToken();
    if (MEDIA_UPLOAD_PATH.test(received.path)) return this.uploadMedia(received, match[2]);
    const problem = messageBodyProblem(received.body) ?? this.unknownMediaIdProblem(received.body);
    if (problem) return graphErrors.invalidParameter(problem);
    if (this.overThroughput(match[2], (this.options.now ?? Date.now)())) return graphErrors.rateLimit();
    const behaviour = this.scripted.shift() ?? this.fallback;
    return typeof behaviour === 'function' ? behaviour(received) : behaviour;
  }

  /**
   * `POST /{phone-number-id}/media`, multipart as Meta documents it: `messaging_product=whatsapp`,
   * `type` (the MIME type) and `file`. Answers `{id}`; the id can then be sent, and looked up.
   */
  private uploadMedia(received: ReceivedRequest, phoneNumberId: string): FakeAnswer {
    const parts = parseMultipart(received.contentType, received.rawBody);
    if (parts === null) return graphErrors.invalidParameter('The request must be multipart/form-data');
    const field = (name: string) => parts.find((part) => part.name === name);
    if (field('messaging_product')?.bytes.toString() !== 'whatsapp') {
      return graphErrors.invalidParameter("Param messaging_product must be 'whatsapp'");
    }
    const type = field('type')?.bytes.toString();
    if (!type || !UPLOADABLE_TYPES.has(type.split(';')[0].trim().toLowerCase())) {
      return graphErrors.invalidParameter(`Param type must be a supported media type, not '${type ?? ''}'`);
    }
    const file = field('file');
    if (!file || file.fileName === null || file.bytes.length === 0) {
      return graphErrors.invalidParameter('Param file must be a file');
    }
    const scripted = this.uploadScript.shift();
    if (scripted) return scripted;
    const id = String(9_000_000_000_000 + ++this.uploads);
    const media = { bytes: Buffer.from(file.bytes), mimeType: type, phoneNumberId, fileName: file.fileName };
    this.uploaded.set(id, media);
    this.media.set(id, media);
    return { kind: 'json', httpStatus: 200, body: { id } };
  }

  /** A media sent by id must be one Meta holds (uploaded, or set with `holdMedia`), else Meta's 400. */
  private unknownMediaIdProblem(body: unknown): string | null {
    const { type } = body as { type?: string };
    const media = type ? (body as Record<string, unknown>)[type] : undefined;
    const id = typeof media === 'object' && media !== null ? (media as { id?: unknown }).id : undefined;
    if (typeof id !== 'string' || this.media.has(id) || this.options.anyMediaId) return null;
    return `Param ${String(type)}['id'] is not a valid WhatsApp Business Account media attachment ID`;
  }

  /** Whether this message is one too many in its number's last second; the ones answered 130429 do not count. */
  private overThroughput(phoneNumberId: string, at: number): boolean {
    const limit = this.options.messagesPerSecond;
    if (limit === undefined) return false;
    const recent = (this.recentByNumber.get(phoneNumberId) ?? []).filter((taken) => taken > at - 1_000);
    const over = recent.length >= limit;
    if (!over) recent.push(at);
    this.recentByNumber.set(phoneNumberId, recent);
    return over;
  }

  private lookUpMedia(received: ReceivedRequest, mediaId: string): FakeAnswer {
    if (received.authorization !== `Bearer ${this.options.accessToken}`) return graphErrors.invalidToken();
    const scripted = this.mediaScript.shift();
    if (scripted) return scripted;
    const held = this.media.get(mediaId);
    if (!held) return graphErrors.unknownObject('get', mediaId);
    const origin = this.url.slice(0, this.url.lastIndexOf('/'));
    const body = {
      messaging_product: 'whatsapp',
      url: `${origin}/media-download/${mediaId}`,
      mime_type: held.mimeType,
      sha256: held.sha256 ?? createHash('sha256').update(held.bytes).digest('hex'),
      file_size: held.bytes.length,
      id: mediaId,
    };
    return { kind: 'json', httpStatus: 200, body };
  }

  private downloadMedia(received: ReceivedRequest, mediaId: string): FakeAnswer {
    if (received.authorization !== `Bearer ${this.options.accessToken}`) return graphErrors.invalidToken();
    const scripted = this.downloadScript.shift();
    if (scripted) return scripted;
    const held = this.media.get(mediaId);
    if (!held) return { kind: 'raw', httpStatus: 404, body: 'Not found' };
    return { kind: 'bytes', httpStatus: 200, body: held.bytes, contentType: held.mimeType };
  }

  private listPhoneNumbers(received: ReceivedRequest, [, , wabaId, query]: RegExpExecArray): FakeAnswer {
    if (received.authorization !== `Bearer ${this.options.accessToken}`) return graphErrors.invalidToken();
    const scripted = this.phoneNumbersScript.shift();
    if (scripted) return scripted;
    const held = this.wabas.get(decodeURIComponent(wabaId));
    if (!held) return graphErrors.unknownObject('get', decodeURIComponent(wabaId));
    const params = new URLSearchParams(query ?? '');
    const limit = Math.max(1, Number(params.get('limit') ?? 25) || 25);
    const from = params.get('after') ? Number(Buffer.from(params.get('after')!, 'base64url').toString()) : 0;
    const page = held.slice(from, from + limit);
    const cursor = (index: number) => Buffer.from(String(index)).toString('base64url');
    const more = from + limit < held.length;
    const data = page.map((number) => ({
      verified_name: number.verified_name ?? 'Test business',
      code_verification_status: 'VERIFIED',
      display_phone_number: number.display_phone_number,
      quality_rating: 'GREEN',
      platform_type: 'CLOUD_API',
      throughput: { level: 'STANDARD' },
      id: number.id,
    }));
    const paging = {
      cursors: { before: cursor(from), after: cursor(from + page.length) },
      ...(more && { next: `${this.url}/${wabaId}/phone_numbers?limit=${limit}&after=${cursor(from + page.length)}` }),
    };
    return { kind: 'json', httpStatus: 200, body: { data, paging } };
  }

  private async answer(response: ServerResponse, received: ReceivedRequest, answer: FakeAnswer): Promise<void> {
    switch (answer.kind) {
      case 'json':
        return this.send(response, received, answer.httpStatus, answer.body);
      case 'accept': {
        const body = this.accepted(received.body, answer.wamid);
        this.send(response, received, 200, body);
        return this.tellAccepted(received, body);
      }
      case 'error':
        return this.send(response, received, answer.httpStatus, { error: answer.error });
      case 'raw':
        received.outcome = answer.httpStatus;
        response.writeHead(answer.httpStatus, { 'content-type': answer.contentType ?? 'text/html' }).end(answer.body);
        return;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, answer.ms));
        return this.answer(response, received, answer.then);
      case 'hang':
        this.hung.set(response, received);
        return;
      case 'bytes':
        received.outcome = answer.httpStatus;
        response.writeHead(answer.httpStatus, { 'content-type': answer.contentType }).end(answer.body);
        return;
      case 'drop':
        received.outcome = 'dropped';
        response.socket?.destroy();
        return;
    }
  }

  private send(response: ServerResponse, received: ReceivedRequest, status: number, body: unknown): void {
    received.outcome = status;
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  /** Meta's answer: the contact as given and as a wa_id, and the new message id (templates also say "accepted"). */
  private accepted(body: unknown, wamid?: string): unknown {
    // A read receipt names no recipient and creates no message: Meta answers only that it worked.
    if (isReadReceipt(body)) return { success: true };
    const { to, type } = body as { to: string; type?: string };
    const id = wamid ?? `wamid.${randomBytes(4).toString('hex')}${String(++this.wamids).padStart(6, '0')}`;
    return {
      messaging_product: 'whatsapp',
      contacts: [{ input: to, wa_id: to.replace(/^\+/, '') }],
      messages: [{ id, ...(type === 'template' && { message_status: 'accepted' }) }],
    };
  }

  private tellAccepted(received: ReceivedRequest, answered: unknown): void {
    const wamid = (answered as { messages?: { id: string }[] }).messages?.[0]?.id;
    if (!this.options.onAccepted || wamid === undefined || received.phoneNumberId === null) return;
    const { to, type } = received.body as { to: string; type?: string };
    const recipientWaId = to.replace(/\D/g, '');
    this.options.onAccepted({ wamid, phoneNumberId: received.phoneNumberId, recipientWaId, type: type ?? 'text' });
  }

  private notifyWaiters(): void {
    for (const waiter of [...this.waiters]) {
      if (this.requests.length < waiter.count) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function callbackDataOf(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return undefined;
  return (body as { biz_opaque_callback_data?: unknown }).biz_opaque_callback_data;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
