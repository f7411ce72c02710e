import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type AppConfig, loadConfig, withoutCredentials } from '@helpdesk/config';
import { SQLITE_EVENTS_FILE } from '@helpdesk/event-store/sqlite/index.js';
import type { CliIo } from '../cli-command.js';

/**
 * There is no install where the command looks: opening the embedded store there would create an
 * empty one (and a new secret beside it), and every answer would be about nothing. Exit code 2.
 */
export class NoInstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoInstallError';
  }
}

/** The event store as a person checks it: the embedded file's path, or EventStoreDB's URL without credentials. */
export function eventStoreName(config: AppConfig): string {
  return config.eventStore.adapter === 'sqlite'
    ? join(config.eventStore.dataDir, SQLITE_EVENTS_FILE)
    : `EventStoreDB ${withoutCredentials(config.eventStore.connectionString)}`;
}

/** The read store likewise: the embedded file's path, or PostgreSQL's URL without credentials. */
export function readStoreName(config: AppConfig): string {
  return config.readStore.dialect === 'sqlite'
    ? config.readStore.file
    : `PostgreSQL ${withoutCredentials(config.readStore.connectionString)}`;
}

export interface InstallUse {
  /** Also opens the read models (projections): named on the same line. */
  readonly readStore?: boolean;
  /** Opens no store, only what lives in DATA_DIR (a signing key, the JWT secret). */
  readonly dataDirOnly?: boolean;
  /** Besides the stores, reads a file of DATA_DIR (this install's signing key), given the configuration. */
  readonly dataDirFiles?: (config: AppConfig) => boolean;
}

/**
 * The configuration of an existing install, for every command but `seed-demo` (which is meant to
 * create one): refuses with NoInstallError, before anything is opened or written, when the embedded
 * event store (DATA_DIR/events.sqlite) does not exist or, with EventStoreDB, when DATA_DIR does not
 * exist and the command would take something from it (the embedded read models, a key, the JWT
 * secret). Then names on stderr the store it opens, so a command run on the wrong install says so.
 */
export function existingInstall(io: CliIo, command: string, use: InstallUse = {}): AppConfig {
  const config = loadConfig(io.env);
  const { dataDir } = config;
  const embedded = config.eventStore.adapter === 'sqlite';
  const eventsFile = join(dataDir, SQLITE_EVENTS_FILE);
  const needsDataDir =
    embedded ||
    use.dataDirOnly === true ||
    (use.readStore === true && config.readStore.dialect === 'sqlite') ||
    use.dataDirFiles?.(config) === true;
  const missing =
    needsDataDir && !existsSync(dataDir) ? dataDir : embedded && !existsSync(eventsFile) ? eventsFile : null;
  if (missing !== null) {
    const from = io.env.DATA_DIR ? `DATA_DIR=${io.env.DATA_DIR}` : 'DATA_DIR unset, so ./data';
    throw new NoInstallError(
      `no install here: ${missing} does not exist (${from}, from ${process.cwd()}). ` +
        `Point at the service's data: DATA_DIR=/path/to/data helpdesk ${command} ... (or EVENTSTORE_URL=esdb://...); ` +
        "nothing was created. 'helpdesk seed-demo' is the command that creates a new install.",
    );
  }
  const what = use.dataDirOnly
    ? `DATA_DIR ${dataDir}`
    : `event store ${eventStoreName(config)}${use.readStore ? `, read models ${readStoreName(config)}` : ''}`;
  io.stderr(`helpdesk ${command}: ${what}\n`);
  return config;
}
