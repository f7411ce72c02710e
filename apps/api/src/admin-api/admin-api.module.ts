import { Module } from '@nestjs/common';
import { ChannelMutationsResolver } from './channel-mutations.resolver.js';
import { ContactMutationsResolver } from './contact-mutations.resolver.js';
import { TemplateMutationsResolver } from './template-mutations.resolver.js';

/** The GraphQL mutations behind the domain's channel, template and contact handlers, and the agents' resend. */
@Module({ providers: [ChannelMutationsResolver, TemplateMutationsResolver, ContactMutationsResolver] })
export class AdminApiModule {}
