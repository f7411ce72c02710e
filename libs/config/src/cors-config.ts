import type { CorsConfig } from './app-config.js';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * CORS_ORIGINS: comma-separated origins (`https://desk.example.com,http://localhost:5173`) whose
 * scripts may call the API from a browser; unset, no CORS headers at all. `*` (alone) allows every
 * origin outside NODE_ENV=production: tokens are bearer headers, never cookies, so `*` exposes no
 * ambient credential, but in production the allow-list says which clients exist.
 */
export function corsConfigFrom(env: Environment, environment: string, problems: string[]): CorsConfig {
  const entries = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) return { origins: [] };
  if (entries.includes('*')) {
    if (entries.length > 1) problems.push(`CORS_ORIGINS: '*' must stand alone (got '${env.CORS_ORIGINS}')`);
    else if (environment === 'production')
      problems.push("CORS_ORIGINS='*' is for development and tests only, not NODE_ENV=production: list the origins");
    return { origins: 'any' };
  }
  const origins: string[] = [];
  for (const entry of entries) {
    const origin = originOf(entry);
    if (origin === null) {
      problems.push(
        `CORS_ORIGINS must list origins like https://desk.example.com (scheme, host, optional port; no path) (got '${entry}')`,
      );
    } else if (!origins.includes(origin)) origins.push(origin);
  }
  return { origins };
}

/** The origin as browsers send it (lower-case host, default port dropped), or null if the entry is not one. */
function originOf(entry: string): string | null {
  if (!/^https?:\/\/[^/?#@\s]+\/?$/i.test(entry)) return null;
  try {
    const url = new URL(entry);
    return url.origin === 'null' ? null : url.origin;
  } catch {
    return null;
  }
}
