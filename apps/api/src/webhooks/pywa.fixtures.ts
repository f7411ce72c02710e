import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The real webhook payloads of the pywa project (MIT), shipped under test/fixtures: for tests only. */
const FIXTURES_DIR = fileURLToPath(new URL('../../../../test/fixtures/whatsapp/pywa/', import.meta.url));

export interface NamedPayload {
  /** `file.json/name` */
  readonly key: string;
  readonly payload: Record<string, unknown>;
}

export function allPywaPayloads(): NamedPayload[] {
  return readdirSync(FIXTURES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) =>
      Object.entries(readFixtureFile(file)).map(([name, payload]) => ({ key: `${file}/${name}`, payload })),
    );
}

/** A fresh copy each time, so a test may change it. */
export function pywaPayload(file: string, name: string): Record<string, unknown> {
  const payload = readFixtureFile(file)[name];
  if (!payload) throw new Error(`No payload '${name}' in ${file}`);
  return payload;
}

function readFixtureFile(file: string): Record<string, Record<string, unknown>> {
  return JSON.parse(readFileSync(`${FIXTURES_DIR}${file}`, 'utf8')) as Record<string, Record<string, unknown>>;
}
