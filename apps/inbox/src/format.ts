/** Plain text the screens show: times, the 24-hour window, who wrote. No DOM here. */

const MINUTE = 60_000;

/** "23 h 12 min left", or null once the window is closed (or was never open). */
export function windowLeft(sessionExpiresAt: string | null | undefined, now: number): string | null {
  if (!sessionExpiresAt) return null;
  const left = Date.parse(sessionExpiresAt) - now;
  if (!(left > 0)) return null;
  const minutes = Math.max(1, Math.floor(left / MINUTE));
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min left` : `${minutes} min left`;
}

export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return date.toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function fullTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** What a JWT says about its holder: shown, never trusted (the service checks the token). */
export interface TokenClaims {
  readonly userId: string;
  readonly portalId: string;
  readonly roles: readonly string[];
  readonly expiresAt: number | null;
}

export function claimsOf(token: string): TokenClaims | null {
  const [, payload] = token.split('.');
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as Record<string, unknown>;
    if (typeof claims.sub !== 'string' || typeof claims.portalId !== 'string') return null;
    return {
      userId: claims.sub,
      portalId: claims.portalId,
      roles: Array.isArray(claims.roles) ? claims.roles.filter((role) => typeof role === 'string') : [],
      expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : null,
    };
  } catch {
    return null;
  }
}

export function fileSize(bytes: number | null | undefined): string {
  if (bytes == null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `{{1}}` ... in a template body, in order. */
export function placeholderCount(text: string | null | undefined): number {
  if (!text) return 0;
  let highest = 0;
  for (const match of text.matchAll(/\{\{(\d+)\}\}/g)) highest = Math.max(highest, Number(match[1]));
  return highest;
}

export function fillTemplate(text: string, parameters: readonly string[]): string {
  return text.replace(/\{\{(\d+)\}\}/g, (whole, index: string) => parameters[Number(index) - 1] || whole);
}
