import { Inject } from '@nestjs/common';
import { type Command, CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import type { TemplateButton, TemplateHeader } from '@helpdesk/domain';
import { EVENT_STORE } from '@helpdesk/event-store';
import type { EventStore } from '@helpdesk/event-store';
import type { AuthenticatedUser } from '@helpdesk/auth';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { ApproveTemplateCommand } from '@helpdesk/commands/template/approve-template.handler.js';
import { RegisterTemplateCommand } from '@helpdesk/commands/template/register-template.handler.js';
import { RejectTemplateCommand } from '@helpdesk/commands/template/reject-template.handler.js';
import { TemplateButtonKind, TemplateHeaderKind } from './template.model.js';
import { TemplatePayload } from './template-mutation.payloads.js';
import { type TracedOrigin, tracedOriginOf, withRecordedPosition } from '../graphql/recorded-position.js';
import {
  ApproveTemplateInput,
  RegisterTemplateInput,
  RejectTemplateInput,
  type TemplateButtonInput,
  type TemplateHeaderInput,
  type TemplateKeyInput,
} from './template-mutation.inputs.js';

/** Message templates as submitted to Meta, and Meta's verdicts: admins only. */
@Resolver()
@Roles('admin')
export class TemplateMutationsResolver {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Mutation(() => TemplatePayload, {
    description: 'Registers a template of one of your connected accounts, pending until Meta approves it.',
  })
  async registerTemplate(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: RegisterTemplateInput,
  ): Promise<TemplatePayload> {
    const { accountId, name, language, category, body, header, buttons } = input;
    const data = {
      accountId,
      name,
      language,
      category,
      body,
      ...(header && { header: headerOf(header) }),
      buttons: (buttons ?? []).map(buttonOf),
    };
    return this.run(user, input, (origin) => new RegisterTemplateCommand(origin, data));
  }

  @Mutation(() => TemplatePayload, { description: 'Meta approved the template: it can be sent from now on.' })
  approveTemplate(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: ApproveTemplateInput,
  ): Promise<TemplatePayload> {
    const { accountId, name, language } = input;
    return this.run(user, input, (origin) => new ApproveTemplateCommand(origin, { accountId, name, language }));
  }

  @Mutation(() => TemplatePayload, { description: 'Meta rejected the template, for this reason: it cannot be sent.' })
  rejectTemplate(
    @CurrentUser() user: AuthenticatedUser,
    @Args('input') input: RejectTemplateInput,
  ): Promise<TemplatePayload> {
    const { accountId, name, language, reason } = input;
    return this.run(user, input, (origin) => new RejectTemplateCommand(origin, { accountId, name, language, reason }));
  }

  private async run(
    user: AuthenticatedUser,
    key: TemplateKeyInput,
    command: (origin: TracedOrigin) => Command<unknown>,
  ): Promise<TemplatePayload> {
    const origin = tracedOriginOf(user);
    const { position } = await withRecordedPosition(this.store, origin, () => this.commands.execute(command(origin)));
    return { accountId: key.accountId, name: key.name, language: key.language, position };
  }
}

function headerOf(header: TemplateHeaderInput): TemplateHeader {
  return header.kind === TemplateHeaderKind.TEXT ? { kind: 'text', text: header.text ?? '' } : { kind: header.kind };
}

function buttonOf({ kind, text, url, phoneNumber }: TemplateButtonInput): TemplateButton {
  if (kind === TemplateButtonKind.URL) return { kind, text, url: url ?? '' };
  if (kind === TemplateButtonKind.PHONE_NUMBER) return { kind, text, phoneNumber: phoneNumber ?? '' };
  return { kind: 'quick_reply', text };
}
