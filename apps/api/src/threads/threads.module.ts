import { Module } from '@nestjs/common';
import { GetConversationThreadHandler } from './conversation-thread.query.js';
import { ThreadsResolver } from './threads.resolver.js';

/** The agents' and auditors' view of a conversation: its thread, from the thread read model. */
@Module({ providers: [GetConversationThreadHandler, ThreadsResolver] })
export class ThreadsModule {}
