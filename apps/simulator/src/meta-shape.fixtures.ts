import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The shapes of Meta's real payloads (pywa's fixtures) as sets of key paths such as
 * `entry[].changes[].value.metadata.phone_number_id`, so generated payloads can be compared with
 * them: every path we generate must occur in a real payload of the same kind.
 */
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/whatsapp/pywa/', import.meta.url));

export function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${prefix}[]`));
  if (value === null || typeof value !== 'object') return prefix === '' ? [] : [prefix];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const below = keyPaths(child, path);
    return below.length === 0 ? [path] : below;
  });
}

export interface MetaShapes {
  /** Paths of the envelope down to `value`, not inside messages or statuses. */
  readonly envelope: Set<string>;
  readonly messagesByType: Map<string, string[][]>;
  readonly statuses: Set<string>;
}

export function loadMetaShapes(): MetaShapes {
  const envelope = new Set<string>();
  const messagesByType = new Map<string, string[][]>();
  const statuses = new Set<string>();
  for (const file of readdirSync(FIXTURES).filter((name) => name.endsWith('.json'))) {
    const payloads = JSON.parse(readFileSync(`${FIXTURES}${file}`, 'utf8')) as Record<string, unknown>;
    for (const payload of Object.values(payloads)) {
      for (const path of envelopePaths(payload)) envelope.add(path);
      for (const message of valuesOf(payload, 'messages')) {
        const type = (message as { type: string }).type;
        messagesByType.set(type, [...(messagesByType.get(type) ?? []), keyPaths(message)]);
      }
      for (const status of valuesOf(payload, 'statuses')) for (const path of keyPaths(status)) statuses.add(path);
    }
  }
  return { envelope, messagesByType, statuses };
}

export function envelopePaths(payload: unknown): string[] {
  return keyPaths(payload).filter((path) => !/\.value\.(messages|statuses)\[\]/.test(path));
}

export function valuesOf(payload: unknown, key: 'messages' | 'statuses'): unknown[] {
  const entries = (payload as { entry: { changes: { value: Record<string, unknown[]> }[] }[] }).entry;
  return entries.flatMap((entry) => entry.changes.flatMap((change) => change.value[key] ?? []));
}
