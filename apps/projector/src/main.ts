import { hostname } from 'node:os';
import pino from 'pino';
import { StoresUnreachableError, loadConfigOrExit } from '@helpdesk/config';
import { waitForNetworkStores } from '@helpdesk/commands/stores/wait-for-stores.js';
import { ReadStore, forWriting } from '@helpdesk/read-store';
import { REGISTERED_PROJECTIONS } from '@helpdesk/projections/registered-projections.js';
import { openEventStore } from '@helpdesk/event-store/open-event-store.js';
import { LocalProjectorLease } from '@helpdesk/projections/core/local-projector-lease.js';
import { type Lease, ProjectorLease } from '@helpdesk/projections/core/projector-lease.js';
import { Projector } from './projector.js';

/** How often the worker logs where each read model stands (lag and failures show up here). */
const STATUS_LOG_MS = 60_000;

/**
 * `npm run projector`: the read models of REGISTERED_PROJECTIONS, without the HTTP API, on the
 * same stores as the API (DATA_DIR or EVENTSTORE_URL, READ_STORE_URL). The API instances then run
 * with PROJECTIONS=off.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const log = pino({ level: config.logLevel, base: { service: 'helpdesk-projector' } });
  await waitForNetworkStores(config, (line) => log.warn(line));
  const store = await openEventStore(config.eventStore);
  const readStore = ReadStore.open(forWriting(config.readStore));
  const holder = `${hostname()}:${process.pid}`;
  let lease: Lease | undefined;
  if (config.readStore.dialect === 'postgres') {
    lease = new ProjectorLease({ connectionString: config.readStore.connectionString, holder, log });
    log.info(
      { holder },
      'PostgreSQL read store: one projector writes at a time (advisory lock); extra instances wait as standbys',
    );
  } else if (LocalProjectorLease.supported()) {
    lease = new LocalProjectorLease({ file: config.readStore.file, holder, log });
  } else {
    log.warn(
      { file: config.readStore.file },
      'SQLite read store: nothing stops a second projector here, so run exactly one against this DATA_DIR',
    );
  }
  if (!process.send) {
    log.info('The API instances must run with PROJECTIONS=off, or they write the read models as well');
  }

  const projector = new Projector({ store, db: readStore.db, projections: REGISTERED_PROJECTIONS, lease, log });
  projector.start();
  const statusLog = setInterval(() => {
    const { state, projections } = projector.status();
    const failed = projections.filter((projection) => projection.state === 'failed');
    const fields = {
      state,
      projections: projections.map(({ position, ...rest }) => ({
        ...rest,
        position: position?.commit.toString() ?? null,
      })),
    };
    if (failed.length > 0) log.error(fields, 'Read models stopped on an error: fix, then restart the projector');
    else log.info(fields, 'Projector status');
  }, STATUS_LOG_MS);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'Projector stopping');
    clearInterval(statusLog);
    await projector.stop();
    await Promise.all([store.close(), readStore.close()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // Started by the API (PROJECTIONS=child-process): its IPC channel closes when the API ends, kill -9 included.
  process.on('disconnect', () => void shutdown('the API process ended'));
}

main().catch((error) => {
  const reason = error instanceof StoresUnreachableError ? error.message : error instanceof Error ? error.stack : error;
  process.stderr.write(`Projector failed to start: ${String(reason)}\n`);
  process.exit(1);
});
