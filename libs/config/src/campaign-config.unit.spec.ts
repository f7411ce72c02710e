import { ConfigError, loadConfig } from './index.js';

const configWith = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/x', ...env });

describe('Campaign settings', () => {
  it('serve 4 recipients of a campaign at once by default, or CAMPAIGN_RECIPIENTS_AT_ONCE', () => {
    expect(configWith({}).campaigns).toEqual({ recipientsAtOnce: 4 });
    expect(configWith({ CAMPAIGN_RECIPIENTS_AT_ONCE: '16' }).campaigns).toEqual({ recipientsAtOnce: 16 });
  });

  it.each(['0', '65', '2.5', 'many'])('refuse to start with CAMPAIGN_RECIPIENTS_AT_ONCE=%s', (value) => {
    expect(() => configWith({ CAMPAIGN_RECIPIENTS_AT_ONCE: value })).toThrow(ConfigError);
    expect(() => configWith({ CAMPAIGN_RECIPIENTS_AT_ONCE: value })).toThrow(/CAMPAIGN_RECIPIENTS_AT_ONCE/);
  });
});
