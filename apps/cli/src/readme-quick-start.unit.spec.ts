import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from './commands.js';
import { demoPlan } from './seed-demo/demo-plan.js';

const README = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
const SCRIPTS = Object.keys(
  (
    JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts,
);

/** A section's text (prose, inline code and blocks), from its heading to the next heading of its level or above. */
function section(heading: string): string {
  const lines = README.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`README.md has no heading "${heading}"`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex(
    (line, index) => index > start && /^#{1,6} /.test(line) && line.indexOf(' ') <= level && !inFence(lines, index),
  );
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** Shell comments inside ```sh blocks start with '#', like headings: they are not headings. */
function inFence(lines: string[], index: number): boolean {
  return lines.slice(0, index).filter((line) => line.trim().startsWith('```')).length % 2 === 1;
}

/** The sections a newcomer follows, in order, to reach the guided tour. */
const QUICK_START = ['## On a fresh machine', '## Demo: fill a fresh install', '### A guided tour']
  .map(section)
  .join('\n');

/** `npm start`, `npm test`, `npm run [--silent] <script>`. */
function npmScripts(text: string): string[] {
  const named = [...text.matchAll(/\bnpm (start|test)\b/g)].map((match) => match[1]);
  const run = [...text.matchAll(/\bnpm run (?:--silent )?([\w:-]+)/g)].map((match) => match[1]);
  return [...new Set([...named, ...run])];
}

/** `helpdesk -- <command> <options...>` as `npm run helpdesk` is written, with the options it passes. */
function helpdeskCommands(text: string): { command: string; options: string[] }[] {
  return [...text.matchAll(/\bhelpdesk -- ([\w-]+)([^\n`)]*)/g)].map((match) => ({
    command: match[1],
    options: [...match[2].matchAll(/(?:^|\s)(--[\w-]+)/g)].map((option) => option[1]),
  }));
}

describe("the README's quick start and demo", () => {
  it('reads the commands it names', () => {
    expect(npmScripts('npm ci && npm start; npm run --silent helpdesk -- x; npm run bench -- --quick')).toEqual([
      'start',
      'helpdesk',
      'bench',
    ]);
    expect(
      helpdeskCommands('`npm run helpdesk -- seed-demo --out f.json` and (helpdesk -- mint-token --portal demo)'),
    ).toEqual([
      { command: 'seed-demo', options: ['--out'] },
      { command: 'mint-token', options: ['--portal'] },
    ]);
    expect(npmScripts(QUICK_START)).toEqual(expect.arrayContaining(['start', 'test', 'helpdesk', 'simulate', 'bench']));
    expect(helpdeskCommands(QUICK_START).map(({ command }) => command)).toEqual(
      expect.arrayContaining(['seed-demo', 'mint-token']),
    );
  });

  it.each(npmScripts(QUICK_START))('names npm script "%s", which package.json has', (script) => {
    expect(SCRIPTS).toContain(script);
  });

  it.each(helpdeskCommands(QUICK_START).map(({ command, options }) => [command, options] as const))(
    'names `helpdesk %s` with options %j, which the CLI has',
    (name, options) => {
      const command = COMMANDS.find((candidate) => candidate.name === name);
      expect(command?.name).toBe(name);
      for (const option of options) expect(command?.usage).toContain(option);
    },
  );
});

describe("the ids the README's guided tour names", () => {
  const tour = section('### A guided tour');
  // What `helpdesk seed-demo` makes with its defaults (portal demo, 3 numbers), as the tour says to run it.
  const plan = demoPlan({ portalId: 'demo', numbers: 3, timeZone: 'Europe/Amsterdam' }, new Date());
  const quoted = (field: string) =>
    [...tour.matchAll(new RegExp(`\\b${field}: "([^"]+)"`, 'g'))].map((match) => match[1]);

  it('are ones seed-demo makes: contacts, numbers, the account and templates', () => {
    expect(quoted('contactId').length).toBeGreaterThan(0);
    for (const contactId of quoted('contactId')) {
      expect(plan.contacts.map((contact) => contact.contactId)).toContain(contactId);
    }
    for (const phoneNumberId of quoted('fromPhoneNumberId')) {
      expect(plan.phoneNumbers.map((number) => number.phoneNumberId)).toContain(phoneNumberId);
    }
    for (const accountId of quoted('accountId')) expect(accountId).toBe(plan.account.accountId);
    const templates = new Map(plan.templates.map((template) => [template.name, template]));
    const sends = [...tour.matchAll(/\bname: "([^"]+)",\s*language: "en",\s*bodyParameters: \[([^\]]*)\]/g)];
    expect(sends.length).toBeGreaterThanOrEqual(2);
    for (const [, name, parameters] of sends) {
      const placeholders = new Set(templates.get(name)?.body.match(/\{\{\d+\}\}/g));
      expect({ name, parameters: parameters.split(',').length }).toEqual({ name, parameters: placeholders.size });
    }
  });
});
