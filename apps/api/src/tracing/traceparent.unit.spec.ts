import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { parentContextOf, parseTraceparent } from './traceparent.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe('a client traceparent (W3C Trace Context, version 00)', () => {
  it('is a remote parent when well formed, sampled or not', () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-01`)).toEqual({
      traceId: TRACE_ID,
      spanId: PARENT_ID,
      traceFlags: 1,
      isRemote: true,
    });
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-00`)).toMatchObject({ traceFlags: 0 });
    expect(trace.getSpanContext(parentContextOf(`00-${TRACE_ID}-${PARENT_ID}-01`))?.traceId).toBe(TRACE_ID);
  });

  it.each([
    undefined,
    '',
    ['a', 'b'],
    `ff-${TRACE_ID}-${PARENT_ID}-01`,
    `01-${TRACE_ID}-${PARENT_ID}-01`,
    `00-${TRACE_ID}-${PARENT_ID}-01-extra`,
    `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`,
    `00-${'0'.repeat(32)}-${PARENT_ID}-01`,
    `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
    `00-${TRACE_ID}-${PARENT_ID}-1`,
    `00-${TRACE_ID}-${PARENT_ID}-0g`,
    ` 00-${TRACE_ID}-${PARENT_ID}-01`,
    `00_${TRACE_ID}_${PARENT_ID}_01`,
    `00-${TRACE_ID}-${PARENT_ID}-01\n`,
  ])('is ignored when it is %j', (header) => {
    expect(parseTraceparent(header)).toBeNull();
    expect(parentContextOf(header)).toBe(ROOT_CONTEXT);
  });
});
