import { refuse } from '../core/index.js';
import { normaliseToE164 } from '../phone-number/e164.js';

export type TemplateCategory = 'marketing' | 'utility' | 'authentication';

/** A text header may take parameters; a media header's file is chosen when sending. */
export type TemplateHeader =
  Readonly<{ kind: 'text'; text: string }> | Readonly<{ kind: 'image' | 'video' | 'document' }>;

export type TemplateButton =
  | Readonly<{ kind: 'quick_reply'; text: string }>
  | Readonly<{ kind: 'url'; text: string; url: string }>
  | Readonly<{ kind: 'phone_number'; text: string; phoneNumber: string }>;

export type TemplateContent = Readonly<{
  category: TemplateCategory;
  body: string;
  header: TemplateHeader | null;
  buttons: readonly TemplateButton[];
}>;

/** Meta's limits for a message template. */
const LIMITS = { body: 1024, headerText: 60, headerParameters: 1, buttons: 10, buttonText: 25 } as const;
const CATEGORIES: readonly TemplateCategory[] = ['marketing', 'utility', 'authentication'];
const PLACEHOLDER = /\{\{(\d+)\}\}/g;

/** The placeholder numbers a text uses, ascending and distinct; refuses any other `{{...}}`. */
export function parameterNumbers(text: string): number[] {
  if (text.replace(PLACEHOLDER, '').match(/\{\{|\}\}/)) {
    refuse('INVALID_TEMPLATE', 'Template parameters are numbered: {{1}}, {{2}}, ...', { text });
  }
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => Number(match[1])))].sort((a, b) => a - b);
}

export function isNumberedFromOne(numbers: readonly number[]): boolean {
  return numbers.every((number, index) => number === index + 1);
}

export function validTemplateContent(content: TemplateContent): TemplateContent {
  const { category, body, header, buttons } = content;
  if (!CATEGORIES.includes(category)) refuse('INVALID_TEMPLATE', `Unknown category '${category}'`);
  if (body.trim() === '' || body.length > LIMITS.body) {
    refuse('INVALID_TEMPLATE', `The body needs 1 to ${LIMITS.body} characters`);
  }
  validText('body', body, Infinity);
  if (header?.kind === 'text') {
    if (header.text.trim() === '' || header.text.length > LIMITS.headerText) {
      refuse('INVALID_TEMPLATE', `A text header needs 1 to ${LIMITS.headerText} characters`);
    }
    validText('header', header.text, LIMITS.headerParameters);
  }
  if (buttons.length > LIMITS.buttons) refuse('INVALID_TEMPLATE', `A template has at most ${LIMITS.buttons} buttons`);
  return { category, body, header, buttons: buttons.map(validButton) };
}

function validText(part: string, text: string, maxParameters: number): void {
  const numbers = parameterNumbers(text);
  if (!isNumberedFromOne(numbers)) {
    refuse('INVALID_TEMPLATE', `The ${part}'s parameters must be numbered {{1}}, {{2}}, ... without gaps`);
  }
  if (numbers.length > maxParameters)
    refuse('INVALID_TEMPLATE', `The ${part} takes at most ${maxParameters} parameter(s)`);
}

function validButton(button: TemplateButton): TemplateButton {
  if (button.text.trim() === '' || button.text.length > LIMITS.buttonText) {
    refuse('INVALID_TEMPLATE', `A button's text needs 1 to ${LIMITS.buttonText} characters`);
  }
  switch (button.kind) {
    case 'quick_reply':
      return button;
    case 'url':
      if (!/^https?:\/\/\S+$/.test(button.url)) refuse('INVALID_TEMPLATE', `'${button.url}' is not a web address`);
      return button;
    case 'phone_number':
      return { ...button, phoneNumber: normaliseToE164(button.phoneNumber) };
    default:
      return refuse('INVALID_TEMPLATE', `Unknown button kind '${(button as { kind: string }).kind}'`);
  }
}
