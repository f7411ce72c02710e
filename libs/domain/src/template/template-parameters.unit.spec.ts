import { refusalCodeOf } from '../../../../test/support/domain-refusals.js';
import type { TemplateContent } from './template-content.js';
import { bindTemplateParameters, type TemplateParameters } from './template-parameters.js';

const template = (body: string, header: TemplateContent['header'] = null) => ({ body, header });

describe('bindTemplateParameters', () => {
  it('fills the body parameters in order, a repeated one each time', () => {
    expect(
      bindTemplateParameters(template('Hi {{1}}, order {{2}} shipped. Thanks, {{1}}!'), { body: ['Anna', '#42'] }),
    ).toEqual({
      body: 'Hi Anna, order #42 shipped. Thanks, Anna!',
    });
  });

  it('renders a body without parameters as it is', () => {
    expect(bindTemplateParameters(template('Welcome!'), { body: [] })).toEqual({ body: 'Welcome!' });
  });

  it('fills a text header', () => {
    expect(
      bindTemplateParameters(template('Hi {{1}}', { kind: 'text', text: 'Order {{1}}' }), {
        body: ['Anna'],
        header: ['#42'],
      }),
    ).toEqual({
      header: 'Order #42',
      body: 'Hi Anna',
    });
  });

  it('does not re-read a parameter value that looks like a placeholder', () => {
    expect(bindTemplateParameters(template('{{1}} and {{2}}'), { body: ['{{2}}', 'b'] }).body).toBe('{{2}} and b');
  });

  it.each<[string, ReturnType<typeof template>, TemplateParameters]>([
    ['too few body parameters', template('Hi {{1}}, order {{2}}'), { body: ['Anna'] }],
    ['too many body parameters', template('Hi {{1}}'), { body: ['Anna', 'extra'] }],
    ['a template numbered with a gap', template('Hi {{1}}, order {{3}}'), { body: ['Anna', '#42'] }],
    ['an empty parameter', template('Hi {{1}}'), { body: [''] }],
    ['a blank parameter', template('Hi {{1}}'), { body: ['   '] }],
    ['a parameter with a new line', template('Hi {{1}}'), { body: ['An\nna'] }],
    ['a parameter with five spaces in a row', template('Hi {{1}}'), { body: ['An     na'] }],
    ['a missing header parameter', template('Hi', { kind: 'text', text: 'Order {{1}}' }), { body: [] }],
    ['a parameter for a media header', template('Hi', { kind: 'image' }), { body: [], header: ['x'] }],
  ])('refuses %s', (_case, content, parameters) => {
    expect(refusalCodeOf(() => bindTemplateParameters(content, parameters))).toBe('TEMPLATE_PARAMETERS_MISMATCH');
  });
});
