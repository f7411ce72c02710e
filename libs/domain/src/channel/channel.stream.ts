export function channelStream(accountId: string): string {
  return `whatsapp-account-${accountId}`;
}
