import type { OutboundThroughputConfig } from './app-config.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** Meta's default throughput for a business phone number; it raises some numbers up to 1,000. */
export const DEFAULT_WHATSAPP_MESSAGES_PER_SECOND = 80;
export const MAX_WHATSAPP_MESSAGES_PER_SECOND = 1_000;

/**
 * WHATSAPP_MESSAGES_PER_SECOND (every number's limit) and WHATSAPP_MESSAGES_PER_SECOND_BY_NUMBER
 * (`phone_number_id:rate,...`, for the numbers Meta allows more or less): whole messages per second,
 * from 1 to 1,000. A bad entry is named with its variable, so the process refuses to start.
 */
export function outboundThroughputConfigFrom(env: Environment, problems: string[]): OutboundThroughputConfig {
  const messagesPerSecond = rateOf(
    env.WHATSAPP_MESSAGES_PER_SECOND,
    'WHATSAPP_MESSAGES_PER_SECOND',
    DEFAULT_WHATSAPP_MESSAGES_PER_SECOND,
    problems,
  );
  return { messagesPerSecond, messagesPerSecondByNumber: byNumber(env, problems) };
}

function byNumber(env: Environment, problems: string[]): Readonly<Record<string, number>> {
  const name = 'WHATSAPP_MESSAGES_PER_SECOND_BY_NUMBER';
  const value = env[name]?.trim();
  const rates = new Map<string, number>();
  if (!value) return {};
  for (const entry of value.split(',').map((part) => part.trim())) {
    const match = /^([^:\s]+)\s*:\s*(\S+)$/.exec(entry);
    if (!match) {
      problems.push(`${name} must be phone_number_id:rate pairs separated by commas (got '${entry}')`);
      continue;
    }
    const [, phoneNumberId, rate] = match;
    if (rates.has(phoneNumberId)) {
      problems.push(`${name} names ${phoneNumberId} more than once`);
      continue;
    }
    rates.set(
      phoneNumberId,
      rateOf(rate, `${name} for ${phoneNumberId}`, DEFAULT_WHATSAPP_MESSAGES_PER_SECOND, problems),
    );
  }
  // fromEntries defines own properties: an id such as __proto__ stays an ordinary key.
  return Object.fromEntries(rates);
}

function rateOf(value: string | undefined, what: string, fallback: number, problems: string[]): number {
  if (value === undefined || value.trim() === '') return fallback;
  const rate = Number(value);
  if (Number.isInteger(rate) && rate >= 1 && rate <= MAX_WHATSAPP_MESSAGES_PER_SECOND) return rate;
  problems.push(`${what} must be a whole number of messages per second from 1 to 1000 (got '${value}')`);
  return fallback;
}
