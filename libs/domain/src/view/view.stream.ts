export function viewStream(portalId: string, viewId: string): string {
  return `view-${portalId}-${viewId}`;
}
