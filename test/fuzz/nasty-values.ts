import type { Random } from './random.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const STRINGS = [
  '',
  ' ',
  '\t\n',
  'null',
  'undefined',
  '0',
  '-1',
  'true',
  "'; DROP TABLE events; --",
  '../../../../etc/passwd',
  '%s%s%n%x',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  '\u0000',
  'a\u0000b',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '\u200b\u200d\ufeff',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  '\ud83d',
  '\udc00x',
  'Ω≈ç√∫˜µ≤≥÷',
  '𝕿𝖍𝖊 𝖖𝖚𝖎𝖈𝖐',
  '\\u0000',
  '+33 6 12 34 56 78',
  '2024-02-30T25:61:61Z',
  '9'.repeat(400),
];

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  -2.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  -(2 ** 53),
  1e21,
  -1e308,
  1.7976931348623157e308,
  5e-324,
];

/** Strings that break careless code: control characters, broken surrogates, injections, RTL, huge ones. */
export function nastyString(random: Random): string {
  return random.weighted<() => string>([
    [6, () => random.pick(STRINGS)],
    [2, () => randomText(random, random.int(1, 40))],
    [1, () => random.pick(['x', '€', '💥', '\u0301']).repeat(random.int(10_000, 200_000))],
  ])();
}

export function nastyNumber(random: Random): number {
  return random.chance(0.7) ? random.pick(NUMBERS) : (random.float() - 0.5) * 10 ** random.int(0, 20);
}

export function randomText(random: Random, length: number): string {
  return Array.from({ length }, () =>
    String.fromCodePoint(
      random.weighted([
        [6, random.int(32, 126)],
        [2, random.int(0xa0, 0x2fff)],
        [1, random.int(0x1f300, 0x1faff)],
        [1, random.int(0, 31)],
      ]),
    ),
  ).join('');
}

export function randomJson(random: Random, depth = 3): Json {
  return random.weighted<() => Json>([
    [1, () => null],
    [1, () => random.chance(0.5)],
    [2, () => nastyNumber(random)],
    [3, () => nastyString(random)],
    [depth > 0 ? 2 : 0, () => Array.from({ length: random.int(0, 4) }, () => randomJson(random, depth - 1))],
    [
      depth > 0 ? 2 : 0,
      () =>
        Object.fromEntries(
          Array.from({ length: random.int(0, 4) }, () => [
            nastyString(random).slice(0, 20),
            randomJson(random, depth - 1),
          ]),
        ),
    ],
  ])();
}

/** A value of another JSON type than `value`'s. */
export function wrongTypeFor(value: Json, random: Random): Json {
  const kind = typeOf(value);
  const others: (() => Json)[] = [
    () => null,
    () => random.chance(0.5),
    () => nastyNumber(random),
    () => nastyString(random),
    () => [randomJson(random, 1)],
    () => ({ [nastyString(random).slice(0, 10)]: randomJson(random, 1) }),
  ].filter((make) => typeOf(make()) !== kind);
  return random.pick(others)();
}

/** `[[[...]]]` or `{"a":{"a":...}}`, `depth` levels: as text, since building it as a value would be the test's own stack overflow. */
export function deeplyNested(random: Random, depth: number): string {
  return random.chance(0.5)
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/**
 * One change somewhere in `value` (a copy): a leaf of another type, a key removed or added, a
 * huge or nasty string, a list emptied or doubled.
 */
export function mutateJson(value: Json, random: Random): Json {
  const copy = structuredClone(value);
  const containers = containersOf(copy);
  if (containers.length === 0) return wrongTypeFor(copy, random);
  const container = random.pick(containers);
  const keys = Array.isArray(container) ? container.map((_, index) => index) : Object.keys(container);
  const set = (key: string | number, next: Json) => ((container as Record<string | number, Json>)[key] = next);
  const key = keys.length > 0 ? random.pick<string | number>(keys) : 0;
  const current = (container as Record<string | number, Json>)[key] ?? null;
  random.weighted<() => void>([
    [4, () => set(key, wrongTypeFor(current, random))],
    [2, () => set(key, nastyString(random))],
    [1, () => set(key, nastyNumber(random))],
    [2, () => (Array.isArray(container) ? container.splice(Number(key), 1) : delete container[key as string])],
    [
      1,
      () =>
        Array.isArray(container)
          ? container.push(...structuredClone(container))
          : set(nastyString(random).slice(0, 30), randomJson(random)),
    ],
    [1, () => set(key, Array.isArray(current) ? [] : {})],
  ])();
  return copy;
}

function containersOf(value: Json): (Json[] | { [key: string]: Json })[] {
  if (value === null || typeof value !== 'object') return [];
  const children = Array.isArray(value) ? value : Object.values(value);
  return [value, ...children.flatMap(containersOf)];
}

function typeOf(value: Json): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}
