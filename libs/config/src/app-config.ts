import type { AccessTokenConfig } from './access-token-config.js';
import type { CampaignConfig } from './campaign-config.js';
export type EventStoreConfig =
  | { readonly adapter: 'sqlite'; readonly dataDir: string }
  | { readonly adapter: 'eventstoredb'; readonly connectionString: string };

export type ReadStoreConfig =
  | {
      readonly dialect: 'sqlite';
      readonly file: string;
      /**
       * Each connection's page cache, in MiB (READ_STORE_CACHE_MIB). better-sqlite3's default is
       * about 16 MiB; at 1M tickets one common-word search touches more pages than that.
       */
      readonly cacheMiB?: number;
    }
  | { readonly dialect: 'postgres'; readonly connectionString: string };

/**
 * Meta's Cloud API. Inbound webhooks need the verify token and the app secret; outbound delivery
 * needs the access token. Each half is off (and says so in /health and the logs) until configured.
 */
export interface WhatsAppConfig {
  readonly verifyToken?: string;
  readonly appSecret?: string;
  readonly accessToken?: string;
  /**
   * What every Graph API call is built on: WHATSAPP_API_URL and WHATSAPP_GRAPH_API_VERSION joined,
   * e.g. https://graph.facebook.com/v26.0
   */
  readonly apiUrl: string;
  /** WHATSAPP_GRAPH_API_VERSION, e.g. v26.0 */
  readonly graphApiVersion: string;
  /**
   * `graph-api`: a WhatsApp account or number is connected only once Meta lists the number under the
   * WABA (`GET /{waba-id}/phone_numbers` with the access token; without a token, connections are
   * refused). `off`: not asked (development and tests only; refused under NODE_ENV=production).
   */
  readonly ownershipCheck: 'graph-api' | 'off';
}

/** The shared secret of HS256 bearer tokens (`helpdesk mint-token`); see AccessTokenConfig for iss, aud and an identity provider's keys. */
export interface AuthConfig {
  readonly jwtSecret: string;
  /** `data-dir`: AUTH_JWT_SECRET was unset, so this install's own random secret in DATA_DIR signs tokens. */
  readonly jwtSecretSource: 'environment' | 'data-dir';
  readonly secretFile?: string;
}

/** The Ed25519 private key that signs audit exports (see libs/audit). */
export interface ExportSigningConfig {
  /** PKCS#8 PEM or base64 DER; read (or made) on first use when it lives in DATA_DIR. */
  readonly privateKeyPem: string;
  /** `data-dir`: EXPORT_SIGNING_KEY was unset, so this install's own key in DATA_DIR signs exports. */
  readonly source: 'environment' | 'data-dir';
  readonly keyFile?: string;
}

/**
 * Who runs the read models: `in-process`, the API itself (one instance, or tests); `child-process`,
 * the projector in a child process the API starts and restarts (its own core, one `npm start`);
 * `off`, a separate `npm run projector` worker, so several API instances read models that exactly
 * one process writes.
 */
export type ProjectionsMode = 'in-process' | 'child-process' | 'off';

/** Per-portal limits of the GraphQL API and of media downloads: token buckets per portal, in memory (see apps/api/src/rate-limits). */
export interface RateLimitConfig {
  /** Requests per second a portal's bucket refills with; 0 turns the limit off. */
  readonly graphqlPerSecond: number;
  /** The bucket's size: requests a portal may make at once before the rate applies. */
  readonly graphqlBurst: number;
  /** `GET /media/:id` requests per second a portal's own media bucket refills with; 0 turns the limit off. */
  readonly mediaPerSecond: number;
  readonly mediaBurst: number;
}

/** Outbound messages per second and sending number that Meta allows (see apps/api/src/outbound). */
export interface OutboundThroughputConfig {
  /** Every number's limit unless named below: whole messages per second, 1 to 1,000. */
  readonly messagesPerSecond: number;
  /** Limits of single numbers, by Meta's phone_number_id. */
  readonly messagesPerSecondByNumber: Readonly<Record<string, number>>;
}

/** The resource budget of every request at the edge: defaults and variables in edge-limits-config.ts. */
export interface EdgeLimitsConfig {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxDocumentLength: number;
  readonly maxTokens: number;
  readonly maxFields: number;
  readonly maxAliases: number;
  /** Requests per second per client address without a valid token; 0 turns the limit off. */
  readonly anonymousPerSecond: number;
  readonly anonymousBurst: number;
  readonly connectionInitTimeoutMs: number;
  readonly wsMaxPayloadBytes: number;
  readonly wsMaxSubscriptions: number;
  /** Documents kept for automatic persisted queries (an LRU of their text by SHA-256); 0 turns them off. */
  readonly persistedQueryCacheSize: number;
  /** Memory (MiB) for the cache of valid documents' text and syntax trees; 0 turns it off. */
  readonly documentCacheMb: number;
  /**
   * Fastify's trustProxy: whose X-Forwarded-For to believe for `request.ip` (the per-address limit
   * of token-less requests). false: the socket's address; true: any; a number: that many hops;
   * a string: comma-separated addresses or CIDRs of the proxies.
   */
  readonly trustProxy: boolean | number | string;
}

/** What one ticket search may cost: defaults and variables in search-limits-config.ts. */
export interface SearchLimitsConfig {
  readonly maxScanRows: number;
  readonly maxConcurrent: number;
  readonly maxWaiting: number;
  readonly statementTimeoutMs: number;
}

/** Browser clients on other origins (CORS_ORIGINS, see cors-config.ts): none when empty. */
export interface CorsConfig {
  /** Exact origins allowed, or `any` (CORS_ORIGINS=*, refused under NODE_ENV=production). */
  readonly origins: readonly string[] | 'any';
}

/** Where `/metrics` is served (METRICS_PORT, METRICS_TOKEN; see metrics-config.ts). */
export interface MetricsConfig {
  /** METRICS_PORT: a separate listener for `/metrics` only; null when unset (0: any free port). */
  readonly port: number | null;
  /** METRICS_TOKEN: the bearer token `/metrics` on the main port asks for; null when unset. */
  readonly token: string | null;
  /**
   * `/metrics` on the main port: `token` (METRICS_TOKEN set), `open` (neither variable set, outside
   * NODE_ENV=production), `off` (answered 404).
   */
  readonly onMainPort: 'token' | 'open' | 'off';
}
/**
 * OpenTelemetry traces (see tracing-config.ts): off unless an OTLP endpoint is configured, and then
 * exported over OTLP/HTTP (protobuf) to `tracesUrl`.
 */
export type TracingConfig =
  | { readonly enabled: false; readonly serviceName: string }
  | { readonly enabled: true; readonly serviceName: string; readonly tracesUrl: string };

/** Agents' uploads not yet sent by a reply: how long they are kept, and how many a portal may hold. */
export interface MediaUploadsConfig {
  /** MEDIA_UPLOAD_TTL_HOURS: an upload no reply claimed by then is refused, then swept. */
  readonly ttlMs: number;
  /** MEDIA_UPLOAD_MAX_PENDING: uploads per portal not yet sent nor swept; past that, 429. */
  readonly maxPendingPerPortal: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  readonly environment: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly dataDir: string;
  /** Where the filesystem media store keeps downloaded inbound media (MEDIA_DIR, default DATA_DIR/media). */
  readonly mediaDir: string;
  readonly mediaUploads: MediaUploadsConfig;
  readonly eventStore: EventStoreConfig;
  readonly readStore: ReadStoreConfig;
  readonly projections: ProjectionsMode;
  readonly whatsapp: WhatsAppConfig;
  readonly auth: AuthConfig;
  readonly accessTokens: AccessTokenConfig;
  readonly exportSigning: ExportSigningConfig;
  /** How long after recording a reveal its auditor sees the quarantined content over GraphQL (REVEAL_VISIBLE_HOURS). */
  readonly revealVisibleMs: number;
  readonly rateLimits: RateLimitConfig;
  readonly outboundThroughput: OutboundThroughputConfig;
  readonly edge: EdgeLimitsConfig;
  readonly search: SearchLimitsConfig;
  readonly campaigns: CampaignConfig;
  readonly cors: CorsConfig;
  readonly metrics: MetricsConfig;
  readonly tracing: TracingConfig;
  /** How long start-up waits for EVENTSTORE_URL and READ_STORE_URL to answer (STARTUP_RETRY_SECONDS; 0: not at all). */
  readonly startupRetrySeconds: number;
  /**
   * The API process's heap may grow this much (percent) past what a full collection kept before
   * the next one (HEAP_GROWTH_PERCENT; 0: V8's own heuristics, which let it reach 4×).
   */
  readonly heapGrowthPercent: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
