import { randomBytes } from 'node:crypto';

/** The `error` object of a Graph API error response, as Meta sends it. */
export interface MetaError {
  readonly message: string;
  readonly type: string;
  readonly code: number;
  readonly error_subcode?: number;
  readonly error_data?: { readonly messaging_product: 'whatsapp'; readonly details: string };
  readonly fbtrace_id: string;
}

export interface MetaErrorAnswer {
  readonly kind: 'error';
  readonly httpStatus: number;
  readonly error: MetaError;
}

export function fbtraceId(): string {
  return randomBytes(9).toString('base64url');
}

/** Meta's form: the message is "(#code) Title", the details say what happened. */
export function metaError(
  httpStatus: number,
  code: number,
  title: string,
  details: string,
  subcode?: number,
): MetaErrorAnswer {
  return {
    kind: 'error',
    httpStatus,
    error: {
      message: `(#${code}) ${title}`,
      type: 'OAuthException',
      code,
      ...(subcode !== undefined && { error_subcode: subcode }),
      error_data: { messaging_product: 'whatsapp', details },
      fbtrace_id: fbtraceId(),
    },
  };
}

/** The errors the Cloud API answers to `POST /{phone-number-id}/messages` (codes and texts from Meta's reference). */
export const graphErrors = {
  reEngagement: () =>
    metaError(
      400,
      131047,
      'Re-engagement message',
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    ),
  rateLimit: () => metaError(400, 130429, 'Rate limit hit', 'Cloud API message throughput has been reached.'),
  pairRateLimit: () =>
    metaError(
      400,
      131056,
      '(Business Account, Consumer Account) pair rate limit hit',
      'Too many messages sent to this recipient.',
    ),
  undeliverable: () =>
    metaError(
      400,
      131026,
      'Message Undeliverable',
      'Unable to deliver message. The recipient may not be a WhatsApp user.',
    ),
  invalidParameter: (details: string) => metaError(400, 100, 'Invalid parameter', details),
  serverError: (httpStatus = 500) =>
    metaError(httpStatus, 131000, 'Something went wrong', 'Message failed to send due to an unknown error.'),
  unavailable: () =>
    metaError(503, 2, 'Service temporarily unavailable', 'Temporary due to downtime or due to being overloaded.'),
  /** No `error_data` here: Graph's OAuth layer answers before the WhatsApp API does. */
  invalidToken: (): MetaErrorAnswer => ({
    kind: 'error',
    httpStatus: 401,
    error: {
      message: 'Invalid OAuth access token - Cannot parse access token',
      type: 'OAuthException',
      code: 190,
      fbtrace_id: fbtraceId(),
    },
  }),
  /** What Meta answers for an id it does not show this token: unknown, or not shared with the app. */
  unknownObject: (method: string, id: string): MetaErrorAnswer => ({
    kind: 'error',
    httpStatus: 400,
    error: {
      message:
        `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, ` +
        'or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api',
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33,
      fbtrace_id: fbtraceId(),
    },
  }),
  unknownPath: (method: string, path: string): MetaErrorAnswer => ({
    kind: 'error',
    httpStatus: 400,
    error: {
      message: `Unsupported ${method.toLowerCase()} request. Object with ID '${path}' does not exist`,
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33,
      fbtrace_id: fbtraceId(),
    },
  }),
};
