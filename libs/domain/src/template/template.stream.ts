export function templateStream(accountId: string, name: string, language: string): string {
  return `template-${accountId}-${name}-${language}`;
}
