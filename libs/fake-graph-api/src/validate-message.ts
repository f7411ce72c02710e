/**
 * The body checks of `POST /{phone-number-id}/messages`, after Meta's reference for each message
 * type: stricter than Meta where Meta silently ignores a field, so our own mistakes show up in
 * tests. Returns the problem in Meta's `error_data.details` style, or null when the body is valid.
 */
type Json = Record<string, unknown>;

const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
const CAPTIONED = new Set(['image', 'video', 'document']);
const TEMPLATE_COMPONENTS = new Set(['header', 'body', 'button']);
const PARAMETER_TYPES = new Set(['text', 'currency', 'date_time', 'image', 'video', 'document', 'payload']);

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

export function messageBodyProblem(body: unknown): string | null {
  if (!isObject(body)) return 'The request body must be a JSON object';
  if (body.messaging_product !== 'whatsapp') return "Param messaging_product must be 'whatsapp'";
  if (body.status !== undefined) return readReceiptProblem(body);
  if (!isText(body.to) || !/^\+?\d{6,15}$/.test(body.to)) return "Param to must be the recipient's phone number";
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual')
    return "Param recipient_type must be 'individual'";
  const callback = body.biz_opaque_callback_data;
  if (callback !== undefined && (typeof callback !== 'string' || callback.length > 512)) {
    return 'Param biz_opaque_callback_data must be a string of at most 512 characters';
  }
  const type = body.type ?? 'text';
  if (type === 'text') return textProblem(body.text);
  if (type === 'template') return templateProblem(body.template);
  if ((MEDIA_TYPES as readonly unknown[]).includes(type)) return mediaProblem(type as string, body[type as string]);
  return `Param type '${String(type)}' is not a supported message type`;
}

/** Marking a contact's message read (blue ticks): `{ messaging_product, status: 'read', message_id }`. */
export function isReadReceipt(body: unknown): boolean {
  return isObject(body) && body.status === 'read';
}

function readReceiptProblem(body: Json): string | null {
  if (body.status !== 'read') return "Param status must be 'read'";
  if (!isText(body.message_id) || !body.message_id.startsWith('wamid.'))
    return 'Param message_id must be the wamid of a message the business received';
  return unknownKeys('the request', body, ['messaging_product', 'status', 'message_id']);
}

function textProblem(text: unknown): string | null {
  if (!isObject(text) || !isText(text.body)) return "Param text['body'] is required";
  if (text.body.length > 4096) return "Param text['body'] must be at most 4096 characters";
  if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean')
    return "Param text['preview_url'] must be a boolean";
  return unknownKeys('text', text, ['body', 'preview_url']);
}

function mediaProblem(type: string, media: unknown): string | null {
  if (!isObject(media)) return `Param ${type} is required`;
  if ((media.id === undefined) === (media.link === undefined)) return `Param ${type} needs exactly one of id or link`;
  if (media.id !== undefined && !isText(media.id)) return `Param ${type}['id'] must be a media id`;
  if (media.link !== undefined && !(isText(media.link) && /^https?:\/\//.test(media.link))) {
    return `Param ${type}['link'] must be an http(s) URL`;
  }
  const allowed = [
    'id',
    'link',
    ...(CAPTIONED.has(type) ? ['caption'] : []),
    ...(type === 'document' ? ['filename'] : []),
  ];
  return unknownKeys(type, media, allowed);
}

function templateProblem(template: unknown): string | null {
  if (!isObject(template) || !isText(template.name)) return "Param template['name'] is required";
  const language = template.language;
  if (!isObject(language) || !isText(language.code)) return "Param template['language']['code'] is required";
  if (language.policy !== undefined && language.policy !== 'deterministic') {
    return "Param template['language']['policy'] must be 'deterministic'";
  }
  if (template.components === undefined) return null;
  if (!Array.isArray(template.components)) return "Param template['components'] must be an array";
  for (const component of template.components) {
    const problem = componentProblem(component);
    if (problem) return problem;
  }
  return unknownKeys('template', template, ['name', 'language', 'components']);
}

function componentProblem(component: unknown): string | null {
  if (!isObject(component) || !TEMPLATE_COMPONENTS.has(component.type as string)) {
    return "Param template['components'][]['type'] must be header, body or button";
  }
  if (component.type === 'button' && (!isText(component.sub_type) || component.index === undefined)) {
    return 'A button component needs sub_type and index';
  }
  if (!Array.isArray(component.parameters) || component.parameters.length === 0) {
    return `Param template['components'][${String(component.type)}]['parameters'] must be a non-empty array`;
  }
  for (const parameter of component.parameters) {
    if (!isObject(parameter) || !PARAMETER_TYPES.has(parameter.type as string))
      return 'A template parameter has an unknown type';
    if (parameter.type === 'text' && !isText(parameter.text)) return "A text parameter needs a non-empty 'text'";
    const type = parameter.type as string;
    if (!(type in parameter)) return `A ${type} parameter needs its '${type}' value`;
  }
  return null;
}

function unknownKeys(where: string, value: Json, allowed: readonly string[]): string | null {
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  return unknown === undefined ? null : `Param ${where}['${unknown}'] is not supported here`;
}
