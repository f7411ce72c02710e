import { join, resolve } from 'node:path';
import { AppConfig, AuthConfig, LogLevel, MediaUploadsConfig, ProjectionsMode } from './app-config.js';
import { JWT_SECRET_FILE, authConfigFrom } from './auth-secret.js';
import { EXPORT_SIGNING_KEY_FILE, exportSigningConfigFrom, exportSigningKeyProblem } from './export-signing-key.js';
import { edgeLimitsConfigFrom } from './edge-limits-config.js';
import { searchLimitsConfigFrom } from './search-limits-config.js';
import { campaignConfigFrom } from './campaign-config.js';
import { corsConfigFrom } from './cors-config.js';
import { metricsConfigFrom } from './metrics-config.js';
import { outboundThroughputConfigFrom } from './outbound-throughput-config.js';
import { rateLimitConfigFrom } from './rate-limit-config.js';
import { accessTokenConfigFrom } from './access-token-config.js';
import { tracingConfigFrom } from './tracing-config.js';
import { startupRetrySecondsFrom } from './startup-retry.js';
import { eventStoreHosts, readStoreHost } from './store-urls.js';

type Environment = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** WHATSAPP_API_URL's default: Meta's Graph API host, without a version. */
export const DEFAULT_GRAPH_API_URL = 'https://graph.facebook.com';
/**
 * WHATSAPP_GRAPH_API_VERSION's default: the newest Graph API version Meta lists (v26.0, released
 * 29 July 2026; Meta keeps a version at least two years, v21.0 only until 21 January 2027).
 */
export const DEFAULT_GRAPH_API_VERSION = 'v26.0';

/** RFC 7518 wants an HS256 key of at least 256 bits: 32 characters keeps short passwords out. */
export const MIN_JWT_SECRET_LENGTH = 32;

const ENVIRONMENTS = ['development', 'production', 'test'] as const;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const PROJECTIONS_MODES: readonly ProjectionsMode[] = ['in-process', 'child-process', 'off'];
const OWNERSHIP_CHECKS = ['graph-api', 'off'] as const;

/** Read once at start-up; every bad variable is named, all at once, before anything starts. */
export function loadConfig(env: Environment): AppConfig {
  const problems: string[] = [];
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${name} must be one of ${allowed.join(', ')} (got '${value}')`);
    return fallback;
  };
  const port = parsePort(env.PORT, problems);
  const dataDir = resolve(env.DATA_DIR || './data');
  const eventStoreUrl = env.EVENTSTORE_URL;
  if (eventStoreUrl && eventStoreHosts(eventStoreUrl) === null) {
    problems.push(
      `EVENTSTORE_URL must be an esdb:// or esdb+discover:// connection string (got '${withoutCredentials(eventStoreUrl)}')`,
    );
  }
  const readStoreUrl = env.READ_STORE_URL;
  if (readStoreUrl && readStoreHost(readStoreUrl) === null) {
    problems.push(`READ_STORE_URL must be a postgres:// connection string (got '${withoutCredentials(readStoreUrl)}')`);
  }
  const { apiUrl, graphApiVersion } = graphApi(env, problems);
  const environment = oneOf('NODE_ENV', ENVIRONMENTS, 'production');
  // Secure by default; NODE_ENV=test defaults to off (as GRAPHQL_RATE_LIMIT does), production cannot turn it off.
  const ownershipCheck = oneOf(
    'WHATSAPP_OWNERSHIP_CHECK',
    OWNERSHIP_CHECKS,
    environment === 'test' ? 'off' : 'graph-api',
  );
  if (ownershipCheck === 'off' && environment === 'production') {
    problems.push('WHATSAPP_OWNERSHIP_CHECK=off is for development and tests only, not NODE_ENV=production');
  }
  const config: AppConfig = {
    environment,
    host: env.HOST || '0.0.0.0',
    port,
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    dataDir,
    mediaDir: resolve(env.MEDIA_DIR || join(dataDir, 'media')),
    mediaUploads: mediaUploadsConfig(env, problems),
    eventStore: eventStoreUrl
      ? { adapter: 'eventstoredb', connectionString: eventStoreUrl }
      : { adapter: 'sqlite', dataDir },
    readStore: readStoreUrl
      ? { dialect: 'postgres', connectionString: readStoreUrl }
      : { dialect: 'sqlite', file: join(dataDir, 'read-models.sqlite'), cacheMiB: readStoreCacheMiB(env, problems) },
    projections: oneOf('PROJECTIONS', PROJECTIONS_MODES, 'in-process'),
    whatsapp: {
      verifyToken: env.WHATSAPP_VERIFY_TOKEN || undefined,
      appSecret: env.WHATSAPP_APP_SECRET || undefined,
      accessToken: env.WHATSAPP_ACCESS_TOKEN || undefined,
      apiUrl,
      graphApiVersion,
      ownershipCheck,
    },
    auth: authConfig(env.AUTH_JWT_SECRET, dataDir, problems),
    accessTokens: accessTokenConfigFrom(env, problems),
    exportSigning: exportSigningConfig(env.EXPORT_SIGNING_KEY, dataDir, problems),
    revealVisibleMs: revealVisibleMs(env.REVEAL_VISIBLE_HOURS, problems),
    rateLimits: rateLimitConfigFrom(env, environment, problems),
    outboundThroughput: outboundThroughputConfigFrom(env, problems),
    edge: edgeLimitsConfigFrom(env, environment, problems),
    search: searchLimitsConfigFrom(env, problems),
    campaigns: campaignConfigFrom(env, problems),
    cors: corsConfigFrom(env, environment, problems),
    metrics: metricsConfigFrom(env, environment, port, problems),
    tracing: tracingConfigFrom(env, problems),
    startupRetrySeconds: startupRetrySecondsFrom(env, problems),
    heapGrowthPercent: heapGrowthPercent(env, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * WHATSAPP_API_URL is where the Graph API is (Meta, a proxy, a fake), WHATSAPP_GRAPH_API_VERSION
 * which version every call uses: the one place the version is set. A URL that still ends in a
 * version (the old WHATSAPP_API_URL=https://graph.facebook.com/v21.0) is refused rather than doubled.
 */
function graphApi(env: Environment, problems: string[]): { apiUrl: string; graphApiVersion: string } {
  const baseUrl = (env.WHATSAPP_API_URL || DEFAULT_GRAPH_API_URL).replace(/\/+$/, '');
  const graphApiVersion = env.WHATSAPP_GRAPH_API_VERSION?.trim() || DEFAULT_GRAPH_API_VERSION;
  if (!/^https?:\/\/[^/]+/.test(baseUrl)) {
    problems.push(`WHATSAPP_API_URL must be an http(s):// URL (got '${withoutCredentials(baseUrl)}')`);
  }
  const versionInUrl = /\/(v\d+\.\d+)$/.exec(baseUrl)?.[1];
  if (versionInUrl) {
    problems.push(
      `WHATSAPP_API_URL is the base URL without the version (got '${withoutCredentials(baseUrl)}'): ` +
        `drop '/${versionInUrl}' and set WHATSAPP_GRAPH_API_VERSION=${versionInUrl} if that version is wanted`,
    );
  }
  if (!/^v\d+\.\d+$/.test(graphApiVersion)) {
    problems.push(
      `WHATSAPP_GRAPH_API_VERSION must be a Graph API version like ${DEFAULT_GRAPH_API_VERSION} (got '${graphApiVersion}')`,
    );
  }
  return { apiUrl: `${baseUrl}/${graphApiVersion}`, graphApiVersion };
}

function authConfig(secret: string | undefined, dataDir: string, problems: string[]): AuthConfig {
  if (secret && secret.length < MIN_JWT_SECRET_LENGTH) {
    problems.push(`AUTH_JWT_SECRET must be at least ${MIN_JWT_SECRET_LENGTH} characters (got ${secret.length})`);
  }
  return authConfigFrom(secret || undefined, join(dataDir, JWT_SECRET_FILE));
}

function exportSigningConfig(key: string | undefined, dataDir: string, problems: string[]) {
  const problem = key ? exportSigningKeyProblem(key) : null;
  if (problem) problems.push(problem);
  return exportSigningConfigFrom(key || undefined, join(dataDir, EXPORT_SIGNING_KEY_FILE));
}

/** A day by default: long enough to work a case, short enough that a reveal does not become standing access. */
export const DEFAULT_REVEAL_VISIBLE_HOURS = 24;
const MAX_REVEAL_VISIBLE_HOURS = 24 * 365;

function revealVisibleMs(value: string | undefined, problems: string[]): number {
  return hoursAsMs('REVEAL_VISIBLE_HOURS', value, DEFAULT_REVEAL_VISIBLE_HOURS, MAX_REVEAL_VISIBLE_HOURS, problems);
}

/**
 * A day by default: an upload is sent minutes after it is made, or forgotten. Meta keeps a media
 * 30 days, and nothing waits longer for a reply to be written.
 */
export const DEFAULT_MEDIA_UPLOAD_TTL_HOURS = 24;
const MAX_MEDIA_UPLOAD_TTL_HOURS = 24 * 30;
/** Per portal: enough for a team's day of drafts; at 100 MB a document, 20 GB at worst until they expire. */
export const DEFAULT_MEDIA_UPLOAD_MAX_PENDING = 200;
const MAX_MEDIA_UPLOAD_MAX_PENDING = 100_000;

function mediaUploadsConfig(env: Environment, problems: string[]): MediaUploadsConfig {
  const ttlMs = hoursAsMs(
    'MEDIA_UPLOAD_TTL_HOURS',
    env.MEDIA_UPLOAD_TTL_HOURS,
    DEFAULT_MEDIA_UPLOAD_TTL_HOURS,
    MAX_MEDIA_UPLOAD_TTL_HOURS,
    problems,
  );
  const maxPendingPerPortal = wholeNumber(env, problems, 'MEDIA_UPLOAD_MAX_PENDING', {
    min: 1,
    max: MAX_MEDIA_UPLOAD_MAX_PENDING,
    fallback: DEFAULT_MEDIA_UPLOAD_MAX_PENDING,
    range: `of uploads from 1 to ${MAX_MEDIA_UPLOAD_MAX_PENDING}`,
  });
  return { ttlMs, maxPendingPerPortal };
}

/** A number of hours (fractions allowed) in (0, max]; unset or blank: the fallback; otherwise a problem naming it. */
function hoursAsMs(name: string, value: string | undefined, fallback: number, max: number, problems: string[]) {
  if (value === undefined || value.trim() === '') return fallback * 3_600_000;
  const hours = Number(value);
  if (!Number.isFinite(hours) || hours <= 0 || hours > max) {
    problems.push(`${name} must be a number of hours above 0, at most ${max} (got '${value}')`);
    return fallback * 3_600_000;
  }
  return Math.round(hours * 3_600_000);
}

export const DEFAULT_READ_STORE_CACHE_MIB = 64;
const MAX_READ_STORE_CACHE_MIB = 4096;

function readStoreCacheMiB(env: Environment, problems: string[]): number {
  return wholeNumber(env, problems, 'READ_STORE_CACHE_MIB', {
    min: 1,
    max: MAX_READ_STORE_CACHE_MIB,
    fallback: DEFAULT_READ_STORE_CACHE_MIB,
    range: `of MiB from 1 to ${MAX_READ_STORE_CACHE_MIB}`,
  });
}

/** A whole-number setting within [min, max]; unset or blank: the fallback; otherwise a problem naming it. */
function wholeNumber(
  env: Environment,
  problems: string[],
  name: string,
  { min, max, fallback, range }: { min: number; max: number; fallback: number; range: string },
): number {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    problems.push(`${name} must be a whole number ${range} (got '${value}')`);
    return fallback;
  }
  return number;
}

/**
 * How far V8 lets the API's heap grow past what the last full collection kept before it collects
 * again. V8's own factor reaches 4× when collecting is cheap, so under a burst of requests the heap
 * (and RSS) swells with garbage: 201-235 MiB of heap for 54 MiB live serving queries at 1M tickets
 * (the bench's scenario 4); 25 % kept it near 110 MiB, for no measurable loss of throughput (README).
 */
export const DEFAULT_HEAP_GROWTH_PERCENT = 25;
const MAX_HEAP_GROWTH_PERCENT = 400;

function heapGrowthPercent(env: Environment, problems: string[]): number {
  return wholeNumber(env, problems, 'HEAP_GROWTH_PERCENT', {
    min: 0,
    max: MAX_HEAP_GROWTH_PERCENT,
    fallback: DEFAULT_HEAP_GROWTH_PERCENT,
    range: `from 0 (V8's own heuristics) to ${MAX_HEAP_GROWTH_PERCENT}`,
  });
}

function parsePort(value: string | undefined, problems: string[]): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be an integer from 0 to 65535 (got '${value}')`);
    return 3000;
  }
  return port;
}

/**
 * The API service's own defaults where they differ from `loadConfig`'s (which tests and callers of
 * `createApp` get): the service runs its read models in a child process, on a second core
 * (BENCHMARKS.md, scenarios 2 and 2b: at 1,000 messages/s the read models lag a tenth as much).
 */
export function withServiceDefaults(env: Environment): Environment {
  return env.PROJECTIONS === undefined || env.PROJECTIONS === '' ? { ...env, PROJECTIONS: 'child-process' } : env;
}

/** For a process's entry point: the configuration, or the list of bad variables on stderr and exit 1. */
export function loadConfigOrExit(env: Environment): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** A connection string as an error may show it: a password or token in it is masked. */
export function withoutCredentials(value: string): string {
  return value
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, '$1***@')
    .replace(/([?&](?:password|token|access_token)=)[^&#]*/gi, '$1***');
}
