/**
 * What start-up may say about EVENTSTORE_URL and READ_STORE_URL: which host they point at, never
 * the user or password in them, and whether they can be parsed at all (a malformed one is a
 * configuration error, refused at once rather than retried).
 */

/** `host:port` (or several, comma-separated, for an EventStoreDB cluster) of an esdb:// string; null if malformed. */
export function eventStoreHosts(connectionString: string): string | null {
  const match = /^esdb(\+discover)?:\/\/(?:[^@/?#]*@)?([^/?#]*)(?:\/?)(?:\?[^#]*)?$/i.exec(connectionString.trim());
  if (!match) return null;
  const hosts = match[2].split(',');
  // Each node is `host` or `host:port`, the port a number; an empty node ("a,,b") is a typo.
  const node = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(:\d{1,5})?$/i;
  if (hosts.some((host) => !node.test(host) || Number(host.split(':').at(-1)) > 65535)) return null;
  return hosts.join(',');
}

/**
 * `host:port` of a postgres:// string (pg's defaults, localhost and 5432, where it names none; a
 * `?host=` parameter, e.g. a Unix socket directory, wins as it does in pg); null if malformed.
 */
export function readStoreHost(connectionString: string): string | null {
  if (!/^postgres(ql)?:\/\//i.test(connectionString.trim())) return null;
  let url: URL;
  try {
    url = new URL(connectionString.trim());
  } catch {
    return null;
  }
  const hostParameter = url.searchParams.get('host');
  if (hostParameter) return hostParameter;
  return `${url.hostname || 'localhost'}:${url.port || '5432'}`;
}

/**
 * A store's error message as start-up may print it: one line, and the connection string's
 * password masked wherever a driver might have echoed it (raw or URL-encoded).
 */
export function redactedDetail(detail: string, connectionString: string): string {
  let line = detail.replace(/\s+/g, ' ').trim();
  for (const secret of credentialsOf(connectionString)) line = line.split(secret).join('***');
  return line;
}

function credentialsOf(connectionString: string): string[] {
  const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^@/?#]*)@/i.exec(connectionString.trim())?.[1];
  const password = userInfo?.includes(':') ? userInfo.slice(userInfo.indexOf(':') + 1) : undefined;
  const fromQuery = [...connectionString.matchAll(/[?&](?:password|token|access_token)=([^&#]*)/gi)].map((m) => m[1]);
  const secrets = [password, ...fromQuery].filter((secret): secret is string => !!secret && secret.length > 0);
  return [...new Set(secrets.flatMap((secret) => [secret, safeDecode(secret)]))].filter((secret) => secret.length > 0);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
