import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { DocumentNode } from 'graphql';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import type { DestinationStream } from 'pino';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { APP_CONFIG, AppConfig } from '@helpdesk/config';
import { RULEBOOK, type Rulebook } from '@helpdesk/domain';
import { AuthModule } from './auth/auth.module.js';
import { CampaignApiModule } from './campaign/campaign-api.module.js';
import { ChannelApiModule } from './channel/channel-api.module.js';
import { ContactApiModule } from './contact/contact-api.module.js';
import { ConversationApiModule } from './conversation/conversation-api.module.js';
import { ChannelModule } from '@helpdesk/commands/channel/channel.module.js';
import { ContactModule } from '@helpdesk/commands/contact/contact.module.js';
import { ConversationModule } from '@helpdesk/commands/conversation/conversation.module.js';
import { formatGraphqlErrors } from './graphql/format-graphql-errors.js';
import { GraphqlSupportModule } from './graphql/graphql-support.module.js';
import { automaticPersistedQueries } from './graphql/persisted-queries.js';
import { KnownDocuments, planDocumentCache } from './graphql/document-cache.js';
import { documentGate, subscriptionDocumentGate } from './graphql/request-budget.js';
import { HealthModule } from './health/health.module.js';
import { noteGraphqlOperation } from './logging/graphql-operation.js';
import { MEDIA_TIMERS, MediaModule, UploadClaimsModule } from './media/media.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OperationsApiModule } from './operations-api/operations-api.module.js';
import { subscriptionOptions } from './notifications/subscription-auth.js';
import { OutboundModule } from './outbound/outbound.module.js';
import { PortalModule } from '@helpdesk/commands/portal/portal.module.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { PROJECTOR_SCRIPT, projectorEntryPoint } from './projections/projector-child.js';
import { QuotaModule } from '@helpdesk/commands/quota/quota.module.js';
import { queryLimitsRule, refuseInvalidSubscription } from './query-limits/query-limits.js';
import { QuotaApiModule } from './quota/quota-api.module.js';
import { PortalApiModule } from './portal/portal-api.module.js';
import { RATE_LIMIT_NOW, monotonicNow } from './rate-limits/rate-limit-clock.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { CLOCK, Clock, systemClock } from '@helpdesk/commands/shared/clock.js';
import { type Timers, systemTimers } from '@helpdesk/commands/conversation/session-expiry/timers.js';
import { ACTIVE_RULEBOOK } from '@helpdesk/commands/shared/rulebook.js';
import { EVENT_STORE_NOW, StoresModule } from '@helpdesk/commands/stores/stores.module.js';
import { TemplateModule } from '@helpdesk/commands/template/template.module.js';
import { SessionExpiryModule } from './session-expiry/session-expiry.module.js';
import { TemplateApiModule } from './template/template-api.module.js';
import { ViewModule } from '@helpdesk/commands/view/view.module.js';
import { ViewApiModule } from './view/view-api.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { nameOperationSpan } from './tracing/request-spans.js';

export interface AppOverrides {
  /** Tests drive time (session expiry, quota periods) through this clock. */
  readonly clock?: Clock;
  /** Tests of as-of cuts stamp the embedded store's events with this (ms since the epoch) instead of the system time. */
  readonly eventStoreNow?: () => number;
  /** Tests of a rule change run the service under another rulebook than the repository's. */
  readonly rulebook?: Rulebook;
  /** Tests of the per-portal rate limits move the limiter's monotonic milliseconds themselves. */
  readonly rateLimitNow?: () => number;
  /** Tests of media download retries run the fetcher's waits on virtual timers (minutes of backoff at once). */
  readonly mediaTimers?: Timers;
  /** Where the JSON log lines go instead of stdout: tests of what the logs may never contain read them. */
  readonly logDestination?: DestinationStream;
  /** Tests: tracing on, every span handed to this exporter as it ends (instead of OTLP). */
  readonly spanExporter?: SpanExporter;
  /** Tests: serve the agent inbox from this built directory instead of dist/inbox. */
  readonly inboxDir?: string;
  /** Tests: the script PROJECTIONS=child-process starts instead of the built projector. */
  readonly projectorScript?: string;
}

@Module({})
export class AppModule {
  static forConfig(config: AppConfig, overrides: AppOverrides = {}): DynamicModule {
    // Depth and cost limits (query-limits/): the same rules for Mercurius and for the request budget.
    const validationRules = [queryLimitsRule()];
    const documentCache = planDocumentCache(config.edge);
    const validDocuments = documentCache.mercuriusEntries
      ? {
          known: new KnownDocuments(documentCache.knownTextBytes),
          validationRules,
          // The request log notes the operation of a document refused there as invalid, too.
          onParsed: (schema: unknown, document: DocumentNode, context: unknown) =>
            noteGraphqlOperation(schema, document, context as Parameters<typeof noteGraphqlOperation>[2]),
        }
      : undefined;
    return {
      module: AppModule,
      imports: [
        {
          module: ProcessWideModule,
          global: true,
          providers: [
            { provide: APP_CONFIG, useValue: config },
            { provide: CLOCK, useValue: overrides.clock ?? systemClock },
            { provide: EVENT_STORE_NOW, useValue: overrides.eventStoreNow ?? Date.now },
            { provide: ACTIVE_RULEBOOK, useValue: overrides.rulebook ?? RULEBOOK },
            { provide: RATE_LIMIT_NOW, useValue: overrides.rateLimitNow ?? monotonicNow },
            { provide: MEDIA_TIMERS, useValue: overrides.mediaTimers ?? systemTimers },
            { provide: PROJECTOR_SCRIPT, useValue: overrides.projectorScript ?? projectorEntryPoint() },
          ],
          exports: [
            APP_CONFIG,
            CLOCK,
            EVENT_STORE_NOW,
            ACTIVE_RULEBOOK,
            RATE_LIMIT_NOW,
            MEDIA_TIMERS,
            PROJECTOR_SCRIPT,
          ],
        },
        CqrsModule.forRoot(),
        GraphQLModule.forRoot<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          // Served by graphiql/graphiql.routes.ts from the installed packages instead (no CDN).
          graphiql: false,
          // Automatic persisted queries, APQ_CACHE_SIZE documents' text (graphql/persisted-queries.ts).
          persistedQueryProvider: automaticPersistedQueries(config.edge.persistedQueryCacheSize),
          // Every error with a stable extensions.code, and never a stack (see graphql/).
          errorFormatter: formatGraphqlErrors,
          // Field resolvers' errors go through the same filter as queries' (stable codes, no internals).
          fieldResolverEnhancers: ['filters'],
          // Depth and cost limits (query-limits/); subscriptions over WebSocket, token in connection_init (notifications/).
          validationRules,
          subscription: subscriptionOptions(config, overrides.clock ?? systemClock),
          // Before Mercurius parses: a caller without a token may only ask for serviceHealth, and
          // every document has a budget of characters, tokens, fields and aliases (graphql/request-budget.ts).
          hooks: {
            // With the document cache on, it validates too, and skips both for a text that passed.
            preParsing: documentGate(config, overrides.clock ?? systemClock, validDocuments),
            // The operation's name and type, for the request's log line (never its variables).
            preValidation: noteGraphqlOperation,
            preSubscriptionParsing: subscriptionDocumentGate(config),
            preSubscriptionExecution: refuseInvalidSubscription,
            preExecution: async (schema, document, context) => {
              // A document from Mercurius's cache skips preValidation: its operation is noted here.
              if (validDocuments) await noteGraphqlOperation(schema, document, context);
              // Names the request's GraphQL span after its operation (tracing/; a no-op when tracing is off).
              await nameOperationSpan(schema, document, context);
            },
          },
          // Parsed valid documents, by their text (graphql/document-cache.ts): N entries, N from
          // GRAPHQL_DOCUMENT_CACHE_MB and the largest entry the edge limits allow, or off. Mercurius's
          // LRUs are bounded in count only; its second one, of invalid documents, stays empty
          // because the request budget refuses those itself. Off, nothing is kept (a few large
          // distinct documents once held gigabytes there) and every document is parsed and validated.
          cache: documentCache.mercuriusEntries,
          graphql: {
            // maxTokens: a backstop should a document reach Mercurius's parser without the gate
            // (it never should). Without locations, a cached syntax tree keeps a third of the
            // memory; resolver errors then carry their `path` but no `locations`.
            parseOptions: { maxTokens: config.edge.maxTokens, noLocation: Boolean(documentCache.mercuriusEntries) },
          },
        }),
        AuthModule,
        GraphqlSupportModule,
        StoresModule,
        ProjectionsModule,
        MetricsModule,
        HealthModule,
        PortalModule,
        QuotaModule,
        ChannelModule,
        ContactModule,
        TemplateModule,
        ViewModule,
        ConversationModule,
        SessionExpiryModule,
        OutboundModule,
        MediaModule,
        UploadClaimsModule,
        WebhooksModule,
        NotificationsModule,
        // The GraphQL side of each capability: its resolvers, inputs, models and queries.
        ConversationApiModule,
        ChannelApiModule,
        TemplateApiModule,
        ContactApiModule,
        ViewApiModule,
        QuotaApiModule,
        PortalApiModule,
        OperationsApiModule,
        CampaignApiModule,
        RateLimitsModule,
      ],
    };
  }
}

/** Configuration and the clock: one of each per process. */
@Module({})
class ProcessWideModule {}
