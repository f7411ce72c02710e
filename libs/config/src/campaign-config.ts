type Environment = Readonly<Record<string, string | undefined>>;

export const DEFAULT_CAMPAIGN_RECIPIENTS_AT_ONCE = 4;
/** More would only queue on the quota stream every send of a portal writes. */
export const MAX_CAMPAIGN_RECIPIENTS_AT_ONCE = 64;

/** How the campaign runner works through a campaign. */
export interface CampaignConfig {
  /** CAMPAIGN_RECIPIENTS_AT_ONCE: recipients of one campaign served at once by an API instance. */
  readonly recipientsAtOnce: number;
}

export function campaignConfigFrom(env: Environment, problems: string[]): CampaignConfig {
  const name = 'CAMPAIGN_RECIPIENTS_AT_ONCE';
  const value = env[name]?.trim();
  if (!value) return { recipientsAtOnce: DEFAULT_CAMPAIGN_RECIPIENTS_AT_ONCE };
  const parsed = Number(value);
  if (/^\d+$/.test(value) && parsed >= 1 && parsed <= MAX_CAMPAIGN_RECIPIENTS_AT_ONCE) {
    return { recipientsAtOnce: parsed };
  }
  problems.push(`${name} must be an integer from 1 to ${MAX_CAMPAIGN_RECIPIENTS_AT_ONCE} (got '${value}')`);
  return { recipientsAtOnce: DEFAULT_CAMPAIGN_RECIPIENTS_AT_ONCE };
}
