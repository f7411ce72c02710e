/** One stream per portal (tenant). */
export const PORTAL_STREAM_CATEGORY = 'portal';

export function portalStreamName(portalId: string): string {
  return `${PORTAL_STREAM_CATEGORY}-${portalId}`;
}
