import { createHash, timingSafeEqual } from 'node:crypto';
import type { MetricsConfig } from '@helpdesk/config';

export type MetricsAccess = 'allowed' | 'unauthorized' | 'not_found';

/**
 * Who may read `/metrics` on the main port: anyone (`open`), nobody (`off`: the route does not
 * exist), or only `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time (both sides
 * hashed first, so neither the length nor a prefix of the token leaks through timing).
 */
export function metricsAccess(config: MetricsConfig, authorization: string | undefined): MetricsAccess {
  if (config.onMainPort === 'open') return 'allowed';
  if (config.onMainPort === 'off' || config.token === null) return 'not_found';
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization ?? '');
  if (!match) return 'unauthorized';
  return sameSecret(match[1], config.token) ? 'allowed' : 'unauthorized';
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
