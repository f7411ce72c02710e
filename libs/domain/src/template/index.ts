import type { Decider } from '../core/index.js';
import type { TemplateCommand } from './template.commands.js';
import { decideTemplate } from './template.decide.js';
import type { TemplateEvent } from './template.events.js';
import { evolveTemplate, initialTemplateState, type TemplateState } from './template.state.js';

export const templateDecider: Decider<TemplateCommand, TemplateEvent, TemplateState> = {
  decide: decideTemplate,
  evolve: evolveTemplate,
  initialState: initialTemplateState,
};

export type * from './template.commands.js';
export type * from './template.events.js';
export type { TemplateButton, TemplateCategory, TemplateContent, TemplateHeader } from './template-content.js';
export { bindTemplateParameters } from './template-parameters.js';
export type { RenderedTemplate, TemplateParameters } from './template-parameters.js';
export { requireApprovedTemplate } from './template.state.js';
export type { ApprovedTemplate, RegisteredTemplate, TemplateState } from './template.state.js';
