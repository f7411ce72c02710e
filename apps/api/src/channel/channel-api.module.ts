import { Module } from '@nestjs/common';
import { ChannelMutationsResolver } from './channel-mutations.resolver.js';
import { ListChannelsHandler } from './channels.query.js';
import { ChannelsResolver } from './channels.resolver.js';

/** The portal's WhatsApp accounts (channels) in GraphQL: read by every role, connected and changed by admins. */
@Module({ providers: [ListChannelsHandler, ChannelsResolver, ChannelMutationsResolver] })
export class ChannelApiModule {}
