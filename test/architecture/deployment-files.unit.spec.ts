import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadConfig } from '@helpdesk/config';

/**
 * Dockerfile, compose.yaml and deploy/nginx.conf are read by no compiler and no test run (this
 * machine has no Docker engine and no compose plugin): a renamed variable, a moved entry point or a
 * dropped `--omit=dev` would only show up on someone's server. These checks read the files as Docker
 * and Compose do and hold them to what the code reads.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Env = Record<string, string | undefined>;

/** Every variable loadConfig reads, recorded as it reads them: the service's own list, not a copy of it. */
function variablesTheServiceReads(): Set<string> {
  const names = new Set<string>();
  // Some defaults depend on NODE_ENV: read under each environment so no branch is missed.
  for (const environment of [undefined, 'production', 'development', 'test']) {
    const env = new Proxy<Env>(
      {},
      {
        get(_target, key) {
          if (typeof key === 'string') names.add(key);
          return key === 'NODE_ENV' ? environment : undefined;
        },
      },
    );
    loadConfig(env);
  }
  return names;
}

// --- Dockerfile ---------------------------------------------------------------------------------

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}
interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: Instruction[];
}

/** Instructions as the Dockerfile frontend sees them: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const logical: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const continued = /\\\s*$/.test(line);
    pending += `${continued ? line.replace(/\\\s*$/, '') : line} `;
    if (!continued) {
      if (pending.trim() !== '') logical.push(pending.trim());
      pending = '';
    }
  }
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword, rest] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { keyword: keyword.toUpperCase(), args: rest.trim() };
    if (instruction.keyword === 'FROM') {
      const [, from, name] = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args)!;
      const resolved = from.replace(/\$\{?(\w+)\}?/g, (_, arg: string) => args.get(arg) ?? '');
      stages.push({ name: name ?? `#${stages.length}`, from: resolved, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [name, value = ''] = instruction.args.split('=');
        args.set(name, value);
      }
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { args, stages };
}

const dockerfile = parseDockerfile(read('Dockerfile'));
const finalStage = dockerfile.stages.at(-1)!;
const stageNamed = (name: string) => dockerfile.stages.find((stage) => stage.name === name);
/** A stage and the stages it is built FROM, nearest first. */
function lineage(stage: Stage): Stage[] {
  const parent = stageNamed(stage.from);
  return parent ? [stage, ...lineage(parent)] : [stage];
}
const baseImageOf = (stage: Stage) => lineage(stage).at(-1)!.from;
const runsIn = (stage: Stage) =>
  lineage(stage).flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args));
const finalOf = (keyword: string) => finalStage.instructions.filter((i) => i.keyword === keyword);

/** ENV lines, both forms: `ENV A=1 B=2` and the legacy `ENV A 1`. */
function envOf(stage: Stage): Env {
  const env: Env = {};
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== 'ENV') continue;
    if (!/^\w+=/.test(args)) {
      const [, name, value] = /^(\w+)\s+(.*)$/.exec(args)!;
      env[name] = value;
    } else for (const [, name, value] of args.matchAll(/(\w+)=("[^"]*"|\S*)/g)) env[name] = value.replace(/^"|"$/g, '');
  }
  return env;
}
const imageEnv = envOf(finalStage);

/** What an exec-form (JSON) CMD or HEALTHCHECK CMD runs. */
const execForm = (args: string): string[] => JSON.parse(args.replace(/^CMD\s+/i, '')) as string[];

/** dist/x/y.js is compiled from x/y.ts by tsconfig.build.json (rootDir ".", outDir "dist"). */
function sourceOf(distPath: string): string | null {
  const match = /^dist\/(.+)\.js$/.exec(distPath);
  return match ? `${match[1]}.ts` : null;
}

/** A command's script: a built entry point whose source exists and which the final stage copies in. */
function expectBuiltEntryPoint(command: readonly string[]): void {
  expect(command[0]).toBe('node');
  const script = command[1];
  const source = sourceOf(script);
  expect(source).not.toBeNull();
  expect(existsSync(join(ROOT, source!))).toBe(true);
  const copiedDirs = finalOf('COPY')
    .map((i) => i.args.split(/\s+/).filter((part) => !part.startsWith('--')))
    .map((parts) => parts.at(-1)!.replace(/^\.\//, '').replace(/\/$/, ''));
  expect(copiedDirs.some((dir) => script.startsWith(`${dir}/`))).toBe(true);
}

// --- compose.yaml -------------------------------------------------------------------------------

interface ComposeService {
  readonly build?: unknown;
  readonly image?: string;
  readonly command?: string[];
  readonly entrypoint?: string[];
  readonly environment?: Record<string, string | number | boolean>;
  readonly ports?: string[];
  readonly expose?: string[];
  readonly volumes?: string[];
  readonly healthcheck?: { readonly test?: string[]; readonly disable?: boolean };
  readonly depends_on?: Record<string, { readonly condition: string }>;
}
interface Compose {
  readonly services: Record<string, ComposeService>;
  readonly volumes?: Record<string, unknown>;
}

// Compose supports YAML merge keys (`<<: *anchor`), which YAML 1.2 leaves off by default.
const compose = parse(read('compose.yaml'), { merge: true }) as Compose;
const services = compose.services;
const builtHere = Object.entries(services).filter(([, service]) => service.build !== undefined);

const INTERPOLATION = /\$\{(\w+)(?:(:?[?-])([^}]*))?\}/g;

/**
 * Compose's interpolation: `${NAME:?message}` is required (Compose refuses to start without it),
 * `${NAME:-default}` optional. `given` plays the operator's shell.
 */
function interpolate(value: string, given: Env): string {
  return value.replace(INTERPOLATION, (_, name: string, operator: string | undefined, word: string | undefined) => {
    const value = given[name];
    if (operator?.endsWith('?') && !value) throw new Error(`${name} is required: ${word}`);
    return value || (operator?.endsWith('-') ? (word ?? '') : '');
  });
}

/** The process's environment in the container: the image's ENV, then the service's environment. */
function containerEnv(service: ComposeService, given: Env): Env {
  const env: Env = { ...imageEnv };
  for (const [name, value] of Object.entries(service.environment ?? {})) env[name] = interpolate(String(value), given);
  return env;
}

/** What an operator sets before `docker compose up`: valid values for the required secrets. */
const OPERATOR_ENV: Env = {
  AUTH_JWT_SECRET: 'a'.repeat(48),
  EXPORT_SIGNING_KEY: generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'der' })
    .toString('base64'),
  POSTGRES_PASSWORD: 'pw0123456789',
};

const API_PORT = Number(services.api?.environment?.PORT);

describe('the variables the service reads (derived from libs/config)', () => {
  it('are recorded from loadConfig itself', () => {
    const names = variablesTheServiceReads();
    for (const name of ['PORT', 'PROJECTIONS', 'EVENTSTORE_URL', 'READ_STORE_URL', 'AUTH_JWT_SECRET', 'TRUST_PROXY']) {
      expect(names).toContain(name);
    }
  });
});

describe('Dockerfile', () => {
  const readByService = variablesTheServiceReads();

  it('sets by ENV only variables the service reads', () => {
    const set = dockerfile.stages.flatMap((stage) => Object.keys(envOf(stage)));
    expect(set.length).toBeGreaterThan(0);
    expect(set.filter((name) => !readByService.has(name))).toEqual([]);
    expect(imageEnv.NODE_ENV).toBe('production');
  });

  it('builds in one stage and runs in a final stage that is not root', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(runsIn(finalStage).some((run) => /\bnpm run build\b/.test(run))).toBe(false);
    expect(dockerfile.stages.some((stage) => stage.instructions.some((i) => /\bnpm run build\b/.test(i.args)))).toBe(
      true,
    );
    const user = finalOf('USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0', 'root:root']).not.toContain(user);
  });

  it('gives the final stage production dependencies only, compiled on its own base image', () => {
    const nodeModules = finalOf('COPY').filter((i) => /\bnode_modules\b/.test(i.args));
    expect(nodeModules).toHaveLength(1);
    const from = /--from=(\S+)/.exec(nodeModules[0].args)?.[1];
    const source = from === undefined ? finalStage : stageNamed(from);
    expect(source).toBeDefined();
    const installs = runsIn(source!).filter((run) => /\bnpm (ci|install)\b/.test(run));
    expect(installs.length).toBeGreaterThan(0);
    expect(installs.every((run) => /\bnpm ci\b[^&;]*--omit=dev/.test(run))).toBe(true);
    // better-sqlite3 is native: built against another Node or libc it does not load.
    expect(baseImageOf(source!)).toBe(baseImageOf(finalStage));
    expect(baseImageOf(finalStage)).toMatch(/^node:\d+/);
  });

  it('copies package.json, whose "type": "module" makes Node read dist/ as ES modules', () => {
    expect(finalOf('COPY').some((i) => /^(--\S+\s+)*package\.json\s/.test(i.args))).toBe(true);
    expect((JSON.parse(read('package.json')) as { type: string }).type).toBe('module');
  });

  it('starts the API from its built entry point', () => {
    expectBuiltEntryPoint(execForm(finalOf('CMD').at(-1)!.args));
    expect(sourceOf('dist/apps/api/src/main.js')).toBe('apps/api/src/main.ts');
  });

  it('exposes the API port and checks /health/live on it', () => {
    expect(finalOf('EXPOSE').map((i) => Number(i.args))).toEqual([API_PORT]);
    const healthcheck = finalOf('HEALTHCHECK').at(-1)!.args;
    // Exec form (JSON): Docker would run anything else through /bin/sh, which the brackets break.
    const command = execForm(healthcheck.replace(/^(--\S+\s+)*/, ''));
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    expect(command[2]).toContain('/health/live');
    expect(command[2]).toContain('process.env.PORT');
    // The route it asks for exists: @Controller('health') with @Get('live').
    const controller = read('apps/api/src/health/health.controller.ts');
    expect(controller).toMatch(/@Controller\('health'\)/);
    expect(controller).toMatch(/@Get\('live'\)/);
  });

  it('is built from a context that holds what it copies, and no local data or secrets', () => {
    const ignore = read('.dockerignore').split('\n');
    expect(ignore).toContain('*');
    for (const path of ['package.json', 'package-lock.json', 'apps', 'libs', 'projections', 'tsconfig.build.json']) {
      expect(ignore).toContain(`!${path}`);
    }
    expect(ignore.filter((line) => /^!(data|node_modules|dist|\.env)/.test(line))).toEqual([]);
  });
});

describe('compose.yaml', () => {
  const readByService = variablesTheServiceReads();

  it('builds the API and the projector from the Dockerfile', () => {
    expect(builtHere.map(([name]) => name).sort()).toEqual(['api', 'projector']);
  });

  it('sets on them only variables the service reads', () => {
    for (const [, service] of builtHere) {
      const names = Object.keys(service.environment ?? {});
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((name) => !readByService.has(name))).toEqual([]);
    }
  });

  it('runs built entry points: the API, and the projector worker', () => {
    for (const [, service] of builtHere) {
      expect(service.entrypoint).toBeUndefined();
      expectBuiltEntryPoint(service.command ?? execForm(finalOf('CMD').at(-1)!.args));
    }
    expect(services.projector.command).toEqual(['node', 'dist/apps/projector/src/main.js']);
    expect(services.api.command).toEqual(['node', 'dist/apps/api/src/main.js']);
  });

  it('gives a configuration the service accepts: API with projections off, both on the compose stores', () => {
    for (const [name, service] of builtHere) {
      const config = loadConfig(containerEnv(service, OPERATOR_ENV));
      expect(config.environment).toBe('production');
      expect(config.eventStore.adapter).toBe('eventstoredb');
      expect(config.readStore.dialect).toBe('postgres');
      const eventStore = config.eventStore.adapter === 'eventstoredb' ? config.eventStore.connectionString : '';
      const readStore = config.readStore.dialect === 'postgres' ? config.readStore.connectionString : '';
      expect(Object.keys(services)).toContain(new URL(eventStore).hostname);
      expect(Object.keys(services)).toContain(new URL(readStore).hostname);
      // Both open the same stores.
      const apiEnv = containerEnv(services.api, OPERATOR_ENV);
      expect({ name, eventStore, readStore }).toEqual({
        name,
        eventStore: apiEnv.EVENTSTORE_URL,
        readStore: apiEnv.READ_STORE_URL,
      });
    }
    const api = loadConfig(containerEnv(services.api, OPERATOR_ENV));
    expect(api.projections).toBe('off');
    expect(api.port).toBe(API_PORT);
    expect(api.auth.jwtSecretSource).toBe('environment');
    expect(api.exportSigning.source).toBe('environment');
  });

  it('takes every secret from the environment, and refuses to start without the required ones', () => {
    const SECRET = /SECRET|TOKEN|PASSWORD|KEY/;
    for (const service of Object.values(services)) {
      for (const [name, value] of Object.entries(service.environment ?? {})) {
        if (SECRET.test(name)) expect(String(value)).toMatch(/^\$\{\w+:[?-][^}]*\}$/);
      }
    }
    // The password inside the read store's URL too.
    expect(String(services.api.environment?.READ_STORE_URL)).toMatch(/:\$\{POSTGRES_PASSWORD:\?[^}]+\}@/);
    for (const required of ['AUTH_JWT_SECRET', 'EXPORT_SIGNING_KEY', 'POSTGRES_PASSWORD']) {
      expect(() => containerEnv(services.api, { ...OPERATOR_ENV, [required]: undefined })).toThrow(required);
    }
  });

  it('starts the services once the stores they need are healthy', () => {
    for (const [, service] of builtHere) {
      for (const store of ['kurrentdb', 'postgres']) {
        expect(service.depends_on?.[store]?.condition).toBe('service_healthy');
        expect(services[store].healthcheck?.test?.length).toBeGreaterThan(0);
      }
    }
    expect(services.api.depends_on?.projector).toBeDefined();
    // The image's health check asks the API's HTTP port, which the projector does not open.
    expect(services.projector.healthcheck?.disable).toBe(true);
    expect(services.api.healthcheck).toBeUndefined();
  });

  it('keeps the stores on named volumes', () => {
    for (const store of ['kurrentdb', 'postgres']) {
      const volumes = (services[store].volumes ?? []).map((volume) => volume.split(':')[0]);
      expect(volumes.length).toBeGreaterThan(0);
      for (const volume of volumes) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    }
  });

  it('publishes only the proxy: the stores (KurrentDB without TLS) stay inside the compose network', () => {
    const published = Object.entries(services).filter(([, service]) => (service.ports ?? []).length > 0);
    expect(published.map(([name]) => name)).toEqual(['proxy']);
    expect(services.kurrentdb.environment?.KURRENTDB_INSECURE).toBe('true');
  });

  it('reaches the API on its PORT: exposed to the proxy only, which passes to that port', () => {
    expect(API_PORT).toBeGreaterThan(0);
    expect(services.api.expose).toEqual([String(API_PORT)]);
    // TRUST_PROXY=1 believes the last X-Forwarded-For hop: only right if nothing reaches the API but nginx.
    expect(services.api.ports).toBeUndefined();
    expect(services.api.environment?.TRUST_PROXY).toBe('1');
    const nginx = read('deploy/nginx.conf');
    expect(services.proxy.volumes).toContain('./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro');
    expect(nginx).toContain(`http://api:${API_PORT};`);
    const listen = Number(/^\s*listen\s+(\d+);/m.exec(nginx)?.[1]);
    expect(services.proxy.ports?.map((port) => Number(port.split(':').at(-1)))).toEqual([listen]);
  });
});
