import type { OutboundFailure } from '@helpdesk/domain';
import type { GraphCall } from './graph-api-client.js';

/**
 * What a call tells about the message: Meta took it (and its id), Meta did not take it (its error,
 * or it was never reached), or nobody knows.
 */
export type SendOutcome =
  | { readonly kind: 'accepted'; readonly wamid: string }
  | { readonly kind: 'not_taken'; readonly failure: OutboundFailure }
  | { readonly kind: 'unknown'; readonly reason: string };

type Json = Record<string, unknown>;

export function classifyGraphCall(call: GraphCall): SendOutcome {
  switch (call.outcome) {
    case 'not_sent':
      return {
        kind: 'not_taken',
        failure: { code: null, title: 'Meta could not be reached', message: call.reason, httpStatus: null },
      };
    case 'no_answer':
      return { kind: 'unknown', reason: `The request was sent but no answer came: ${call.reason}` };
    case 'answered':
      return classifyAnswer(call.httpStatus, call.body);
  }
}

/** What a media upload came to: Meta's media id, or why there is none (the message was not sent). */
export type UploadOutcome =
  | { readonly kind: 'uploaded'; readonly mediaId: string }
  | { readonly kind: 'not_taken'; readonly failure: OutboundFailure };

/**
 * Unlike a send, an upload without an answer is safe to repeat: the message itself was not sent,
 * and a media Meta kept without telling us is never used. So every failure is the message's failure
 * to send, classified like a send's (Meta's code, 5xx and 429 retried; no HTTP status retried).
 */
export function classifyUploadCall(call: GraphCall): UploadOutcome {
  if (call.outcome !== 'answered') {
    const title = call.outcome === 'not_sent' ? 'Meta could not be reached' : 'Meta did not answer the media upload';
    return { kind: 'not_taken', failure: { code: null, title, message: call.reason, httpStatus: null } };
  }
  const { httpStatus, body } = call;
  if (httpStatus < 200 || httpStatus >= 300) return { kind: 'not_taken', failure: failureOf(httpStatus, body) };
  const id = isObject(body) ? body.id : undefined;
  if (typeof id === 'string' && id !== '') return { kind: 'uploaded', mediaId: id };
  const message = `Meta answered ${httpStatus} to the media upload without a media id`;
  return { kind: 'not_taken', failure: { code: null, title: 'No media id', message, httpStatus: null } };
}

/** A 2xx without a wamid is taken but unnamed: unknown, so a status webhook can settle it later. */
function classifyAnswer(httpStatus: number, body: unknown): SendOutcome {
  if (httpStatus >= 200 && httpStatus < 300) {
    const wamid = wamidOf(body);
    return wamid
      ? { kind: 'accepted', wamid }
      : { kind: 'unknown', reason: `Meta answered ${httpStatus} without a message id` };
  }
  return { kind: 'not_taken', failure: failureOf(httpStatus, body) };
}

function wamidOf(body: unknown): string | null {
  const messages = isObject(body) && Array.isArray(body.messages) ? body.messages : [];
  const id: unknown = isObject(messages[0]) ? messages[0].id : undefined;
  return typeof id === 'string' && id !== '' ? id : null;
}

/** Meta's error: "(#131047) Re-engagement message" is the title, `error_data.details` says what happened. */
function failureOf(httpStatus: number, body: unknown): OutboundFailure {
  const error = isObject(body) && isObject(body.error) ? body.error : null;
  if (error === null) {
    return {
      code: null,
      title: `HTTP ${httpStatus}`,
      message: 'The Graph API answered without an error object',
      httpStatus,
    };
  }
  const code = typeof error.code === 'number' ? error.code : null;
  const raw = textOf(error.message) ?? `HTTP ${httpStatus}`;
  const details = isObject(error.error_data) ? textOf(error.error_data.details) : null;
  const fbtraceId = textOf(error.fbtrace_id);
  return {
    code,
    title: textOf(error.error_user_title) ?? raw.replace(/^\(#\d+\)\s*/, ''),
    message: details ?? textOf(error.error_user_msg) ?? raw,
    httpStatus,
    ...(fbtraceId !== null && { fbtraceId }),
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}
