import { ConfigError, loadConfig } from './load-config.js';

const SECRET = 'a-production-secret-of-at-least-32-chars';
const configWith = (env: Record<string, string>) => loadConfig({ AUTH_JWT_SECRET: SECRET, ...env });

describe('Outbound throughput settings', () => {
  it("default to Meta's 80 messages per second for every number", () => {
    expect(configWith({}).outboundThroughput).toEqual({ messagesPerSecond: 80, messagesPerSecondByNumber: {} });
  });

  it('take a default for every number and the limits of single numbers', () => {
    const config = configWith({
      WHATSAPP_MESSAGES_PER_SECOND: '100',
      WHATSAPP_MESSAGES_PER_SECOND_BY_NUMBER: '106540352242922:1000, 2000 : 1',
    });
    expect(config.outboundThroughput).toEqual({
      messagesPerSecond: 100,
      messagesPerSecondByNumber: { '106540352242922': 1000, '2000': 1 },
    });
  });

  it('keep an id such as __proto__ as an ordinary key', () => {
    const { messagesPerSecondByNumber } = configWith({
      WHATSAPP_MESSAGES_PER_SECOND_BY_NUMBER: '__proto__:5',
    }).outboundThroughput;
    expect(Object.keys(messagesPerSecondByNumber)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(messagesPerSecondByNumber)).toBe(Object.prototype);
  });

  it.each(['0', '1001', '80.5', '-1', 'fast', '1e9'])('refuse WHATSAPP_MESSAGES_PER_SECOND=%s', (value) => {
    expect(() => configWith({ WHATSAPP_MESSAGES_PER_SECOND: value })).toThrow(
      `WHATSAPP_MESSAGES_PER_SECOND must be a whole number of messages per second from 1 to 1000 (got '${value}')`,
    );
  });

  it('name every bad entry of WHATSAPP_MESSAGES_PER_SECOND_BY_NUMBER, all at once', () => {
    const attempt = () =>
      configWith({ WHATSAPP_MESSAGES_PER_SECOND_BY_NUMBER: '111:2000,222,333:0,444:10,444:20,:5,555:' });
    expect(attempt).toThrow(ConfigError);
    let problems: readonly string[] = [];
    try {
      attempt();
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      "WHATSAPP_MESSAGES_PER_SECOND_BY_NUMBER for 111 must be a whole number of messages per second from 1 to 1000 (got '2000')",
      "WHATSAPP_MESSAGES_PER_SECOND_BY_NUMBER must be phone_number_id:rate pairs separated by commas (got '222')",
      "WHATSAPP_MESSAGES_PER_SECOND_BY_NUMBER for 333 must be a whole number of messages per second from 1 to 1000 (got '0')",
      'WHATSAPP_MESSAGES_PER_SECOND_BY_NUMBER names 444 more than once',
      "WHATSAPP_MESSAGES_PER_SECOND_BY_NUMBER must be phone_number_id:rate pairs separated by commas (got ':5')",
      "WHATSAPP_MESSAGES_PER_SECOND_BY_NUMBER must be phone_number_id:rate pairs separated by commas (got '555:')",
    ]);
  });
});
