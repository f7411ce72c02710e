/**
 * The write side: one folder per capability (handlers, loaders, the Nest command module), shared by
 * the API, the CLI (seed-demo, auditor reveal) and tests. Import a handler by its path,
 * `@helpdesk/commands/<capability>/<file>.js`; the modules and the shared ports are also here.
 */
export * from './shared/clock.js';
export * from './shared/command-origin.js';
export * from './shared/rulebook.js';
export * from './stores/stores.module.js';
export * from './channel/channel.module.js';
export * from './contact/contact.module.js';
export * from './conversation/conversation.module.js';
export * from './portal/portal.module.js';
export * from './quota/quota.module.js';
export * from './template/template.module.js';
export * from './view/view.module.js';
