import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '@helpdesk/config';
import {
  DomainError,
  fromWaId,
  normaliseToE164,
  type PhoneNumberInput,
  type PhoneNumberOwnership,
} from '@helpdesk/domain';

/**
 * Asks Meta which numbers a WhatsApp Business Account holds, before a connection or a new number is
 * accepted: the answer enters the decider as data on the command. Throws OWNERSHIP_CHECK_UNAVAILABLE
 * (nothing recorded) when Meta cannot be asked.
 */
export interface PhoneNumberOwnershipCheck {
  phoneNumbersOf(wabaId: string): Promise<PhoneNumberOwnership>;
}

export const PHONE_NUMBER_OWNERSHIP = Symbol('PHONE_NUMBER_OWNERSHIP');

const logger = new Logger('PhoneNumberOwnership');

export type OwnershipCheckMode = 'graph-api' | 'off';

/** WHATSAPP_OWNERSHIP_CHECK=off (development and tests only; refused in production) or an operator tool's demo numbers. */
export const ownershipNotChecked: PhoneNumberOwnershipCheck = {
  phoneNumbersOf: () => Promise.resolve({ checkedWith: 'not-checked' }),
};

/** The check is on but the service has no access token: every connection is refused, nothing recorded. */
export const ownershipUncheckable: PhoneNumberOwnershipCheck = {
  phoneNumbersOf: () =>
    Promise.reject(
      unavailable('WHATSAPP_ACCESS_TOKEN is not set, so Meta cannot confirm which numbers the account holds', false),
    ),
};

/** From the configuration; without one (a bare module in a test), the secure answer: refuse. */
export function ownershipCheckFor(config: AppConfig | undefined): PhoneNumberOwnershipCheck {
  if (!config) return ownershipUncheckable;
  const { ownershipCheck, accessToken, apiUrl } = config.whatsapp;
  if (ownershipCheck === 'off') {
    logger.warn('WHATSAPP_OWNERSHIP_CHECK=off: WhatsApp numbers are connected without asking Meta who holds them');
    return ownershipNotChecked;
  }
  if (!accessToken)
    logger.warn('WHATSAPP_ACCESS_TOKEN is not set: connecting WhatsApp accounts and numbers is refused');
  return accessToken ? new GraphApiOwnershipCheck({ apiUrl, accessToken }) : ownershipUncheckable;
}

export interface GraphApiOwnershipOptions {
  readonly apiUrl: string;
  readonly accessToken: string;
  readonly timeoutMs?: number;
}

/** A WABA holds at most a few numbers per page of 100; more pages than this is not an answer we trust. */
const MAX_PAGES = 10;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Meta's throttling codes: ask again later. */
const THROTTLED = new Set([4, 17, 32, 613, 80007, 130429]);

type Answer = { readonly httpStatus: number; readonly body: unknown };

/** `GET {WHATSAPP_API_URL}/{WHATSAPP_GRAPH_API_VERSION}/{waba-id}/phone_numbers` with the service's access token, every page. */
export class GraphApiOwnershipCheck implements PhoneNumberOwnershipCheck {
  constructor(private readonly options: GraphApiOwnershipOptions) {}

  async phoneNumbersOf(wabaId: string): Promise<PhoneNumberOwnership> {
    const phoneNumbers: PhoneNumberInput[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({
        fields: 'id,display_phone_number,verified_name',
        limit: '100',
        ...(after && { after }),
      });
      const answer = await this.get(`${this.options.apiUrl}/${encodeURIComponent(wabaId)}/phone_numbers?${query}`);
      if (answer.httpStatus !== 200) return refusedOrUnavailable(wabaId, answer);
      const { data, paging } = (answer.body ?? {}) as {
        data?: unknown;
        paging?: { next?: unknown; cursors?: { after?: unknown } };
      };
      if (!Array.isArray(data)) throw unavailable('Meta answered the phone number list in an unexpected shape', true);
      phoneNumbers.push(...data.flatMap(listedNumber));
      after =
        typeof paging?.cursors?.after === 'string' && typeof paging.next === 'string'
          ? paging.cursors.after
          : undefined;
      if (!after) return { checkedWith: 'graph-api', wabaId, found: true, phoneNumbers };
    }
    throw unavailable(`Meta listed more than ${MAX_PAGES} pages of numbers`, false);
  }

  private get(url: string): Promise<Answer> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      // The socket's own error (addresses, ports) is not the caller's business.
      const fail = (_why: string) => reject(unavailable('the Graph API could not be reached', true));
      try {
        const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, {
          method: 'GET',
          headers: { authorization: `Bearer ${this.options.accessToken}`, accept: 'application/json' },
        });
        request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        request.on('error', (error) => fail(error.message || 'connection failed'));
        request.on('response', (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => fail(error.message));
          response.on('end', () =>
            resolve({ httpStatus: response.statusCode ?? 0, body: parseJson(Buffer.concat(chunks).toString('utf8')) }),
          );
        });
        request.end();
      } catch (error) {
        fail(error instanceof Error ? error.message : 'the request could not be made');
      }
    });
  }
}

/** Meta's "no such object, or not shared with you" is a refusal; throttling, 5xx and a refused token are not answers. */
function refusedOrUnavailable(wabaId: string, { httpStatus, body }: Answer): PhoneNumberOwnership {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  if (httpStatus === 401 || code === 190) throw unavailable("Meta refused this service's access token", false);
  if (httpStatus === 429 || httpStatus >= 500 || (typeof code === 'number' && THROTTLED.has(code))) {
    throw unavailable(`Meta answered HTTP ${httpStatus}${typeof code === 'number' ? ` (code ${code})` : ''}`, true);
  }
  if (httpStatus >= 400 && httpStatus < 500 && typeof code === 'number') {
    return { checkedWith: 'graph-api', wabaId, found: false, phoneNumbers: [] };
  }
  throw unavailable(`Meta answered HTTP ${httpStatus} without a Graph API error`, true);
}

/** Meta's `display_phone_number` comes formatted ("+1 555-010-0001") or as bare digits; anything else is skipped. */
function listedNumber(entry: unknown): PhoneNumberInput[] {
  const { id, display_phone_number: display } = (entry ?? {}) as { id?: unknown; display_phone_number?: unknown };
  if (typeof id !== 'string' || typeof display !== 'string') return [];
  try {
    const displayNumber = /^\d+$/.test(display.trim()) ? fromWaId(display) : normaliseToE164(display);
    return [{ phoneNumberId: id, displayNumber }];
  } catch {
    return [];
  }
}

function unavailable(why: string, retryable: boolean): DomainError {
  const advice = retryable ? 'nothing was recorded: try again later' : 'nothing was recorded';
  return new DomainError(
    'OWNERSHIP_CHECK_UNAVAILABLE',
    `Could not check with Meta who holds these numbers: ${why}; ${advice}`,
    {
      retryable,
    },
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
