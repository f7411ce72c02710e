import { Module } from '@nestjs/common';
import { ContactLoaders } from './contact-loaders.js';
import {
  FindContactsByPhoneHandler,
  ListChannelsHandler,
  ListContactsHandler,
  ListTemplatesHandler,
} from './directory.queries.js';
import { DirectoryResolver } from './directory.resolver.js';

/** The portal's channels, templates and contacts for the GraphQL API; contacts by batch for other types' fields. */
@Module({
  providers: [
    ...[ListChannelsHandler, ListTemplatesHandler, ListContactsHandler, FindContactsByPhoneHandler],
    DirectoryResolver,
    ContactLoaders,
  ],
  exports: [ContactLoaders],
})
export class DirectoryModule {}
