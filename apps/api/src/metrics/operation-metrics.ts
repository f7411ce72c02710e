import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus, type ICommand } from '@nestjs/cqrs';
import { DomainError } from '@helpdesk/domain';
import { type DocumentNode, getOperationAST } from 'graphql';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { LATENCY_BUCKETS, tagOperationType } from './request-metrics.js';
import { MetricsRegistry } from './metrics-registry.js';

type PreExecutionHook = (schema: unknown, document: DocumentNode, context: { reply?: FastifyReply }) => void;
type WithGraphql = FastifyInstance & { graphql?: { addHook(name: 'preExecution', hook: PreExecutionHook): void } };

/**
 * Command latency by command and outcome, around the one CommandBus every resolver, the webhook
 * processor and the dispatcher go through; and the GraphQL operation type of each request, for the
 * request histogram (request-metrics.ts). Command names are the classes' names: a fixed set.
 */
@Injectable()
export class OperationMetrics implements OnApplicationBootstrap {
  constructor(
    private readonly registry: MetricsRegistry,
    private readonly commands: CommandBus,
    private readonly host: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    this.timeCommands();
    const fastify = this.host.httpAdapter?.getInstance<WithGraphql>();
    fastify?.graphql?.addHook('preExecution', (_schema, document, context) => {
      const operation = getOperationAST(document)?.operation;
      if (context.reply && operation) tagOperationType(context.reply.request, operation);
    });
  }

  private timeCommands(): void {
    const histogram = this.registry.histogram(
      'command_duration_seconds',
      'Command latency, by command and outcome (ok; rejected: a domain rule refused it; error: anything else)',
      ['command', 'outcome'],
      LATENCY_BUCKETS,
    );
    const bus = this.commands as CommandBus & { timed?: true };
    if (bus.timed) return;
    bus.timed = true;
    const execute = bus.execute.bind(bus) as (command: ICommand, ...rest: unknown[]) => Promise<unknown>;
    bus.execute = (async (command: ICommand, ...rest: unknown[]) => {
      const end = histogram.startTimer({ command: command?.constructor?.name || 'unknown' });
      try {
        const result = await execute(command, ...rest);
        end({ outcome: 'ok' });
        return result;
      } catch (error) {
        end({ outcome: error instanceof DomainError ? 'rejected' : 'error' });
        throw error;
      }
    }) as CommandBus['execute'];
  }
}
