import { type OutboundDispatch, isRetryableFailure } from '@helpdesk/domain';
import { backoffCeilingMs, retryDelayMs } from './backoff.js';
import { classifyGraphCall } from './classify-graph-call.js';
import { nextDeliveryStep } from './delivery-step.js';

describe("Reading Meta's answer", () => {
  it('takes the wamid of an accepted message', () => {
    const body = {
      messaging_product: 'whatsapp',
      contacts: [{ input: '336', wa_id: '336' }],
      messages: [{ id: 'wamid.A1' }],
    };
    expect(classifyGraphCall({ outcome: 'answered', httpStatus: 200, body })).toEqual({
      kind: 'accepted',
      wamid: 'wamid.A1',
    });
  });

  it("keeps Meta's code, title, details and trace id of an error", () => {
    const error = {
      message: '(#131047) Re-engagement message',
      type: 'OAuthException',
      code: 131047,
      error_data: { messaging_product: 'whatsapp', details: 'More than 24 hours have passed' },
      fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
    };
    expect(classifyGraphCall({ outcome: 'answered', httpStatus: 400, body: { error } })).toEqual({
      kind: 'not_taken',
      failure: {
        code: 131047,
        title: 'Re-engagement message',
        message: 'More than 24 hours have passed',
        httpStatus: 400,
        fbtraceId: 'Az8or2yhqkZfEZ-_4Qn_Bam',
      },
    });
  });

  it('reads a bare HTTP error (a proxy page) as not taken, without a code', () => {
    expect(classifyGraphCall({ outcome: 'answered', httpStatus: 502, body: null })).toEqual({
      kind: 'not_taken',
      failure: { code: null, title: 'HTTP 502', message: expect.any(String), httpStatus: 502 },
    });
  });

  it('reads a refused connection as not taken, and no answer after sending as unknown', () => {
    expect(classifyGraphCall({ outcome: 'not_sent', reason: 'connect ECONNREFUSED' })).toMatchObject({
      kind: 'not_taken',
      failure: { code: null, httpStatus: null },
    });
    expect(classifyGraphCall({ outcome: 'no_answer', reason: 'socket hang up' })).toMatchObject({ kind: 'unknown' });
  });

  it('reads a 200 without a message id as unknown: taken, but not named', () => {
    expect(classifyGraphCall({ outcome: 'answered', httpStatus: 200, body: {} })).toMatchObject({ kind: 'unknown' });
  });

  it.each([
    [130429, 400, true],
    [131056, 400, true],
    [131000, 500, true],
    [null, 503, true],
    [null, null, true],
    [131047, 400, false],
    [131026, 400, false],
    [100, 400, false],
    [190, 401, false],
  ])('code %s with HTTP %s is retried: %s', (code, httpStatus, retried) => {
    expect(isRetryableFailure({ code, httpStatus, title: 't', message: 'm' })).toBe(retried);
  });
});

describe('Backoff with full jitter', () => {
  it('doubles the ceiling with each failed attempt, up to the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((attempt) => backoffCeilingMs(attempt));
    expect(ceilings).toEqual([2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000]);
  });

  it('waits a random share of the ceiling: from 0 up to just under it', () => {
    expect(retryDelayMs(3, () => 0)).toBe(0);
    expect(retryDelayMs(3, () => 0.5)).toBe(4000);
    expect(retryDelayMs(3, () => 0.999999)).toBe(7999);
  });
});

describe('The next step for a message', () => {
  const now = new Date('2025-03-10T10:00:00.000Z');
  const step = (dispatch: OutboundDispatch) => nextDeliveryStep(dispatch, now, 60_000);

  it('attempts a pending message, and a scheduled retry once due', () => {
    expect(step({ status: 'pending', attempt: 0 })).toEqual({ kind: 'attempt', attempt: 1 });
    expect(step({ status: 'retry_scheduled', attempt: 2, retryAt: '2025-03-10T10:00:00.000Z' })).toEqual({
      kind: 'attempt',
      attempt: 3,
    });
    expect(step({ status: 'retry_scheduled', attempt: 2, retryAt: '2025-03-10T10:00:01.500Z' })).toEqual({
      kind: 'wait',
      ms: 1500,
    });
  });

  it('leaves a recent attempt to its sender, and marks it unknown once stale', () => {
    const attempting = (attemptedAt: string) => step({ status: 'attempting', attempt: 1, attemptedAt });
    expect(attempting('2025-03-10T09:59:30.000Z')).toEqual({ kind: 'wait', ms: 30_000 });
    expect(attempting('2025-03-10T09:59:00.000Z')).toEqual({ kind: 'mark_unknown', attempt: 1 });
  });

  it('does nothing more for a message sent, failed or unknown', () => {
    expect(step({ status: 'sent', attempt: 1 })).toEqual({ kind: 'done' });
    expect(step({ status: 'failed', attempt: 8 })).toEqual({ kind: 'done' });
    expect(step({ status: 'unknown', attempt: 1, attemptedAt: '2025-03-10T09:00:00.000Z' })).toEqual({ kind: 'done' });
  });
});
