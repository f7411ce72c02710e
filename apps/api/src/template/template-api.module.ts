import { Module } from '@nestjs/common';
import { TemplateMutationsResolver } from './template-mutations.resolver.js';
import { ListTemplatesHandler } from './templates.query.js';
import { TemplatesResolver } from './templates.resolver.js';

/** Message templates in GraphQL: read by every role, registered and reviewed (Meta's verdicts) by admins. */
@Module({ providers: [ListTemplatesHandler, TemplatesResolver, TemplateMutationsResolver] })
export class TemplateApiModule {}
