import { refuse } from '../core/index.js';
import { isNumberedFromOne, parameterNumbers, type TemplateContent } from './template-content.js';

export type TemplateParameters = Readonly<{ body: readonly string[]; header?: readonly string[] }>;

export type RenderedTemplate = Readonly<{ header?: string; body: string }>;

/**
 * The text the contact will read. Parameters fill {{1}}, {{2}}, ... in order; Meta refuses empty
 * ones and ones with new lines, tabs or more than four spaces in a row, so we refuse them first.
 */
export function bindTemplateParameters(
  template: Pick<TemplateContent, 'body' | 'header'>,
  parameters: TemplateParameters,
): RenderedTemplate {
  const body = bind('body', template.body, parameters.body);
  if (template.header?.kind !== 'text') {
    if (parameters.header?.length) mismatch('The header takes no parameters');
    return { body };
  }
  return { header: bind('header', template.header.text, parameters.header ?? []), body };
}

function bind(part: string, text: string, values: readonly string[]): string {
  const numbers = parameterNumbers(text);
  if (!isNumberedFromOne(numbers) || numbers.length !== values.length) {
    mismatch(`The ${part} takes ${numbers.length} parameter(s), ${values.length} given`);
  }
  values.forEach((value, index) => {
    const placeholder = `The ${part}'s parameter {{${index + 1}}}`;
    if (value.trim() === '') mismatch(`${placeholder} is empty`);
    if (/[\n\t]| {5}/.test(value)) mismatch(`${placeholder} has a new line, a tab or more than four spaces in a row`);
  });
  return text.replace(/\{\{(\d+)\}\}/g, (_placeholder, number: string) => values[Number(number) - 1]);
}

function mismatch(message: string): never {
  return refuse('TEMPLATE_PARAMETERS_MISMATCH', message);
}
