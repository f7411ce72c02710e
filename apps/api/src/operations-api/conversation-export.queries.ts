import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type ExportSigner, exportSigner, userActorId, verifyKeyOfSigner, visibleReveals } from '@helpdesk/audit';
import { CLOCK, type Clock } from '@helpdesk/commands/shared/clock.js';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { EVENT_STORE, type EventStore } from '@helpdesk/event-store';
import { type ExpectedExport, exportConversation, verifyAuditorExport } from './auditor-export.js';
import type { ConversationExportModel, ExportVerificationModel } from './conversation-export.models.js';
import { readPortalConversation } from './portal-conversation.js';

/** A conversation of the portal as an auditor's export; null when it does not exist or belongs to another portal. */
export class ExportConversationQuery extends Query<ConversationExportModel | null> {
  constructor(
    readonly portalId: string,
    /** The auditor asking: content they revealed themselves, recently, is shown. */
    readonly userId: string,
    readonly conversationId: string,
  ) {
    super();
  }
}

/** An export checked against its chain, its signature and the portal's store. */
export class VerifyConversationExportQuery extends Query<ExportVerificationModel> {
  constructor(
    readonly portalId: string,
    /** The auditor asking: a line may hold content under their own recorded reveal. */
    readonly userId: string,
    readonly ndjson: string,
    readonly expected: ExpectedExport = {},
  ) {
    super();
  }
}

/** The service's export signer, from EXPORT_SIGNING_KEY or the key in DATA_DIR, read on first use. */
function signerOf(config: AppConfig): () => ExportSigner {
  let signer: ExportSigner | undefined;
  return () => (signer ??= exportSigner(config.exportSigning.privateKeyPem));
}

@QueryHandler(ExportConversationQuery)
export class ExportConversationHandler implements IQueryHandler<
  ExportConversationQuery,
  ConversationExportModel | null
> {
  private readonly signer: () => ExportSigner;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.signer = signerOf(config);
  }

  async execute({
    portalId,
    userId,
    conversationId,
  }: ExportConversationQuery): Promise<ConversationExportModel | null> {
    const events = await readPortalConversation(this.store, portalId, conversationId);
    if (events === null) return null;
    const viewer = { actorId: userActorId(userId), now: this.clock.now(), visibleForMs: this.config.revealVisibleMs };
    const reveals = visibleReveals(events, viewer);
    return { conversationId, ...exportConversation(conversationId, events, this.signer(), reveals) };
  }
}

@QueryHandler(VerifyConversationExportQuery)
export class VerifyConversationExportHandler implements IQueryHandler<
  VerifyConversationExportQuery,
  ExportVerificationModel
> {
  private readonly signer: () => ExportSigner;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.signer = signerOf(config);
  }

  async execute({
    portalId,
    userId,
    ndjson,
    expected,
  }: VerifyConversationExportQuery): Promise<ExportVerificationModel> {
    const verdict = await verifyAuditorExport(
      this.store,
      portalId,
      userActorId(userId),
      ndjson,
      [verifyKeyOfSigner(this.signer())],
      expected,
    );
    const none = {
      count: null,
      lastHash: null,
      scope: null,
      keyId: null,
      kind: null,
      line: null,
      field: null,
      problem: null,
    };
    return verdict.ok
      ? {
          ...none,
          ok: true,
          count: verdict.count,
          lastHash: verdict.headHash,
          scope: verdict.scope,
          keyId: verdict.keyId,
        }
      : {
          ...none,
          ok: false,
          kind: verdict.kind,
          line: verdict.line,
          field: verdict.field ?? null,
          problem: verdict.problem,
        };
  }
}
