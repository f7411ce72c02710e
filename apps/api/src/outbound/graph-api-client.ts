import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomBytes } from 'node:crypto';
import type { ClientRequest } from 'node:http';
import type { Readable } from 'node:stream';
import type { GraphMessageBody } from './build-message-request.js';

/**
 * What one call to Meta came to. The line between 'not_sent' and 'no_answer' is what lets the
 * dispatcher retry safely: until the whole request was written to a connected socket, Meta cannot
 * have acted on it; after that, without an answer, nobody knows.
 */
export type GraphCall =
  | { readonly outcome: 'answered'; readonly httpStatus: number; readonly body: unknown }
  | { readonly outcome: 'not_sent'; readonly reason: string }
  | { readonly outcome: 'no_answer'; readonly reason: string };

/** Meta's read receipt for a contact's message (blue ticks), on the same endpoint as messages. */
export interface GraphReadReceiptBody {
  readonly messaging_product: 'whatsapp';
  readonly status: 'read';
  readonly message_id: string;
}

/** A file for `POST /{phone-number-id}/media`: its bytes streamed, never held whole in memory. */
export interface MediaFileToUpload {
  readonly bytes: Readable;
  readonly sizeBytes: number;
  readonly mimeType: string;
  readonly fileName: string;
}

/** The Cloud API as the dispatcher needs it. Never throws: every failure is a GraphCall. */
export interface GraphApi {
  sendMessage(phoneNumberId: string, body: GraphMessageBody | GraphReadReceiptBody): Promise<GraphCall>;
  /** Meta answers `{id}`, the media id a message then sends. Absent on test doubles that send text only. */
  uploadMedia?(phoneNumberId: string, file: MediaFileToUpload): Promise<GraphCall>;
}

export const GRAPH_API = Symbol('GRAPH_API');

export interface HttpGraphApiOptions {
  /** The configuration's `whatsapp.apiUrl`: WHATSAPP_API_URL with WHATSAPP_GRAPH_API_VERSION, e.g. https://graph.facebook.com/v26.0 */
  readonly apiUrl: string;
  readonly accessToken: string;
  /** Silence after which an unanswered request is given up (and its outcome is unknown). */
  readonly timeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export class HttpGraphApi implements GraphApi {
  constructor(private readonly options: HttpGraphApiOptions) {}

  sendMessage(phoneNumberId: string, body: GraphMessageBody | GraphReadReceiptBody): Promise<GraphCall> {
    const payload = JSON.stringify(body);
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
    return this.call(`${this.options.apiUrl}/${encodeURIComponent(phoneNumberId)}/messages`, headers, (request) =>
      request.end(payload),
    );
  }

  /**
   * `multipart/form-data` with Meta's three fields (messaging_product, type, file), its length known
   * in advance and the file streamed into it.
   */
  uploadMedia(phoneNumberId: string, file: MediaFileToUpload): Promise<GraphCall> {
    const boundary = `----helpdesk${randomBytes(12).toString('hex')}`;
    const field = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const fileName = file.fileName.replace(/["\r\n\\]/g, '_');
    const head = Buffer.from(
      field('messaging_product', 'whatsapp') +
        field('type', file.mimeType) +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
        `Content-Type: ${file.mimeType}\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const headers = {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': head.length + file.sizeBytes + tail.length,
    };
    return this.call(`${this.options.apiUrl}/${encodeURIComponent(phoneNumberId)}/media`, headers, (request) => {
      request.write(head);
      file.bytes.on('error', (error) => request.destroy(error));
      file.bytes.on('end', () => request.end(tail));
      file.bytes.pipe(request, { end: false });
    });
  }

  private call(
    url: string,
    headers: Record<string, string | number>,
    writeBody: (request: ClientRequest) => void,
  ): Promise<GraphCall> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (call: GraphCall) => {
        if (!settled) resolve(call);
        settled = true;
      };
      try {
        this.post(url, headers, writeBody, settle);
      } catch (error) {
        settle({ outcome: 'not_sent', reason: `The request could not be made: ${String(error)}` });
      }
    });
  }

  private post(
    url: string,
    headers: Record<string, string | number>,
    writeBody: (request: ClientRequest) => void,
    settle: (call: GraphCall) => void,
  ): void {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    let connected = false;
    let written = false;
    const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      // A fresh connection per message: a pooled one the server closed while idle fails after the
      // request was written, which would turn a message that was never received into an unknown one.
      agent: false,
      headers: { authorization: `Bearer ${this.options.accessToken}`, ...headers },
    });
    request.on('socket', (socket) =>
      socket.once(url.startsWith('https:') ? 'secureConnect' : 'connect', () => (connected = true)),
    );
    request.on('finish', () => (written = true));
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => {
      const reason = error.message || String(error);
      settle(connected && written ? { outcome: 'no_answer', reason } : { outcome: 'not_sent', reason });
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      const cutOff = (why: string) => settle({ outcome: 'no_answer', reason: `The answer was cut off: ${why}` });
      response.on('error', (error) => cutOff(error.message));
      response.on('close', () => response.complete || cutOff('the connection closed'));
      response.on('end', () => {
        const httpStatus = response.statusCode ?? 0;
        settle({ outcome: 'answered', httpStatus, body: parseJson(Buffer.concat(chunks).toString('utf8')) });
      });
    });
    writeBody(request);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
