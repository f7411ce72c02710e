import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles, originOf } from '../auth/auth.decorators.js';
import { type CommandOrigin, forRequest } from '@helpdesk/commands/shared/command-origin.js';
import { CLOCK, type Clock } from '@helpdesk/commands/shared/clock.js';
import { RunConversationCommand } from '@helpdesk/commands/conversation/conversation-command.handler.js';
import { ReplyToContactCommand } from '@helpdesk/commands/conversation/reply-to-contact.handler.js';
import { SendTemplateCommand } from '@helpdesk/commands/conversation/send-template.handler.js';
import { DomainError, type OutboundMedia, type ReplyContent } from '@helpdesk/domain';
import { badUserInput } from '../graphql/api-error.js';
import { MediaUploads } from '../media/media-uploads.js';
import {
  AssignTicketInput,
  CloseTicketInput,
  QuarantineMessageInput,
  ReopenTicketInput,
  ReplyAttachmentInput,
  ReplyToConversationInput,
  RevealQuarantinedMessageInput,
  SendTemplateInput,
} from './conversation-mutation.inputs.js';
import {
  ConversationMessagePayload,
  TicketPayload,
  messagePayload,
  ticketPayload,
} from './conversation-mutation.payloads.js';

/** What agents do to a conversation: each mutation is one command on the caller's portal. */
@Resolver()
export class ConversationMutationsResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly uploads: MediaUploads,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The upload as the reply records it: what it is (kind, type, size, as checked when it was kept)
   * and where it is, never Meta's id (not known until it is sent). The decider checks it against
   * Meta's limits again, with the session, before anything is recorded.
   */
  private async attachedMedia(portalId: string, attachment: ReplyAttachmentInput): Promise<OutboundMedia> {
    const upload = await this.uploads.find(portalId, attachment.uploadId, this.clock.now());
    if (!upload) {
      throw new DomainError(
        'MEDIA_UPLOAD_NOT_FOUND',
        `No upload ${attachment.uploadId} (or it expired unsent): upload the file with POST /media`,
        {
          uploadId: attachment.uploadId,
        },
      );
    }
    const { uploadId, storageKey, sha256, kind, mimeType, sizeBytes } = upload;
    const filename = attachment.fileName ?? upload.fileName;
    return {
      kind,
      mimeType,
      sizeBytes,
      upload: { uploadId, storageKey, sha256 },
      ...(attachment.caption != null && { caption: attachment.caption }),
      ...(filename != null && { filename }),
    };
  }

  @Mutation(() => ConversationMessagePayload, {
    description:
      'A free-form reply inside the 24-hour session: text, or a media uploaded with POST /media (with a caption and, for documents, a file name).',
  })
  @Roles('agent', 'admin')
  async replyToConversation(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: ReplyToConversationInput,
  ): Promise<ConversationMessagePayload> {
    const { conversationId, text, attachment } = input;
    if ((text == null) === (attachment == null)) {
      throw badUserInput([{ field: 'text', messages: ['give exactly one of text or attachment'] }]);
    }
    const content: ReplyContent = attachment
      ? await this.attachedMedia(user.portalId, attachment)
      : { kind: 'text', body: text as string };
    const command = new ReplyToContactCommand(
      clientOrigin(user, 'replyToConversation', input),
      conversationId,
      content,
    );
    const receipt = await this.commands.execute(command);
    return messagePayload(receipt, receipt.messageId);
  }

  @Mutation(() => ConversationMessagePayload, {
    description: 'An approved template: the only message allowed outside a session.',
  })
  @Roles('agent', 'admin')
  async sendTemplate(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: SendTemplateInput,
  ): Promise<ConversationMessagePayload> {
    const { conversationId, name, language, bodyParameters, headerParameters } = input;
    const parameters = { body: bodyParameters ?? [], ...(headerParameters && { header: headerParameters }) };
    const command = new SendTemplateCommand(clientOrigin(user, 'sendTemplate', input), conversationId, {
      name,
      language,
      parameters,
    });
    const receipt = await this.commands.execute(command);
    return messagePayload(receipt, receipt.messageId);
  }

  @Mutation(() => TicketPayload)
  @Roles('agent', 'admin')
  async assignTicket(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: AssignTicketInput,
  ): Promise<TicketPayload> {
    const { conversationId, ticketId, assigneeId } = input;
    const origin = clientOrigin(user, 'assignTicket', input);
    return ticketPayload(
      await this.commands.execute(
        new RunConversationCommand(origin, conversationId, 'AssignTicket', { ticketId, assigneeId }),
      ),
      ticketId,
    );
  }

  @Mutation(() => TicketPayload)
  @Roles('agent', 'admin')
  async closeTicket(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: CloseTicketInput,
  ): Promise<TicketPayload> {
    const { conversationId, ticketId } = input;
    const origin = clientOrigin(user, 'closeTicket', input);
    return ticketPayload(
      await this.commands.execute(new RunConversationCommand(origin, conversationId, 'CloseTicket', { ticketId })),
      ticketId,
    );
  }

  @Mutation(() => TicketPayload)
  @Roles('agent', 'admin')
  async reopenTicket(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: ReopenTicketInput,
  ): Promise<TicketPayload> {
    const { conversationId, ticketId } = input;
    const origin = clientOrigin(user, 'reopenTicket', input);
    return ticketPayload(
      await this.commands.execute(new RunConversationCommand(origin, conversationId, 'ReopenTicket', { ticketId })),
      ticketId,
    );
  }

  @Mutation(() => ConversationMessagePayload, {
    description: "Hides a message that violates WhatsApp's content policy.",
  })
  @Roles('agent', 'admin')
  async quarantineMessage(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: QuarantineMessageInput,
  ): Promise<ConversationMessagePayload> {
    const { conversationId, messageId, reason } = input;
    const command = new RunConversationCommand(
      clientOrigin(user, 'quarantineMessage', input),
      conversationId,
      'QuarantineMessage',
      { messageId, reason },
    );
    return messagePayload(await this.commands.execute(command), messageId);
  }

  @Mutation(() => ConversationMessagePayload, { description: "An auditor's recorded look at quarantined content." })
  @Roles('auditor')
  async revealQuarantinedMessage(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: RevealQuarantinedMessageInput,
  ): Promise<ConversationMessagePayload> {
    const { conversationId, messageId, reason } = input;
    const command = new RunConversationCommand(
      clientOrigin(user, 'revealQuarantinedMessage', input),
      conversationId,
      'RevealQuarantinedMessage',
      { messageId, reason },
    );
    return messagePayload(await this.commands.execute(command), messageId);
  }
}

/**
 * The caller's origin for one mutation: the client's key names this mutation with this input, so
 * a retry is a no-op and another request under the same key is refused (IDEMPOTENCY_KEY_REUSED).
 */
function clientOrigin(
  user: AuthenticatedUser,
  operation: string,
  input: { idempotencyKey?: string | null },
): CommandOrigin {
  return forRequest(originOf(user, input.idempotencyKey ?? undefined), operation, input);
}
