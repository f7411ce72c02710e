import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type ExportSigner,
  type ExportVerifyKey,
  type Verdict,
  ExportChain,
  conversationEvents,
  conversationScope,
  exportSigner,
  exportVerifyKey,
  linesOfFile,
  portalEvents,
  portalScope,
  storeReference,
  verifyExport,
  verifyKeyOfSigner,
} from '@helpdesk/audit';
import { type AppConfig, loadConfig } from '@helpdesk/config';
import type { EventStore, RecordedEvent } from '@helpdesk/event-store';
import { openEventStore } from '@helpdesk/event-store/open-event-store.js';
import { waitForNetworkStores } from '@helpdesk/commands/stores/wait-for-stores.js';
import { existingInstall } from '../app-context/existing-install.js';
import { ProgressLine, formatCount, progressBar } from '@helpdesk/demo';
import { UsageError, type CliRunner, type CliIo } from '../cli-command.js';

export const runExport: CliRunner = (argv, io) => exportCommand.run(argv, io);

const exportCommand = {
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        offline: { type: 'boolean', default: false },
        'public-key': { type: 'string', multiple: true },
        conversation: { type: 'string' },
        portal: { type: 'string' },
        progress: { type: 'boolean', default: false },
      },
    });
    const [what, subject, ...extra] = positionals;
    const verifyOnly = (['offline', 'public-key', 'conversation', 'portal'] as const).filter(
      (name) => values[name] !== undefined && values[name] !== false,
    );
    if (what === 'public-key') {
      if (subject !== undefined || verifyOnly.length > 0) throw new UsageError('public-key takes only --out');
      return printPublicKey(installKeyConfig(io), values.out, io);
    }
    if (!subject?.trim() || extra.length > 0) throw new UsageError('expected one subject after the export kind');
    if (what === 'verify') {
      if (values.out !== undefined) throw new UsageError('verify takes no --out');
      if (values.conversation !== undefined && values.portal !== undefined)
        throw new UsageError('give --conversation or --portal, not both');
      return verifyCommand(subject, values, io);
    }
    if (what !== 'conversation' && what !== 'portal') {
      throw new UsageError(`expected 'conversation', 'portal', 'verify' or 'public-key', got '${what ?? ''}'`);
    }
    if (verifyOnly.length > 0) throw new UsageError(`--${verifyOnly[0]} is for verify`);
    if (!values.out?.trim()) throw new UsageError('--out is required');
    const file = resolve(values.out);
    const config = existingInstall(io, 'export', { dataDirFiles: signsWithInstallKey });
    let signer: ExportSigner;
    try {
      signer = exportSigner(config.exportSigning.privateKeyPem);
    } catch (error) {
      // No unsigned export: without a key there is nothing to prove the file with.
      const where = config.exportSigning.source === 'environment' ? 'EXPORT_SIGNING_KEY' : config.exportSigning.keyFile;
      io.stderr(
        `export: no signing key (${where}): ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}; set EXPORT_SIGNING_KEY or make DATA_DIR writable\n`,
      );
      return 1;
    }
    return withStore(config, io, async (store) => {
      const count =
        what === 'conversation'
          ? await exportConversation(store, subject, file, signer)
          : await exportPortal(store, subject, file, signer, progressLine(values.progress, io));
      if (count === null) {
        io.stderr(`export: no conversation ${subject}\n`);
        return 1;
      }
      const source =
        config.exportSigning.source === 'environment'
          ? 'EXPORT_SIGNING_KEY'
          : `this install's key in ${config.exportSigning.keyFile}`;
      io.stdout(
        `export: wrote ${count} events to ${file}, signed with key ${signer.keyId} (${source}; auditors verify with 'helpdesk export public-key')\n`,
      );
      return 0;
    });
  },
};

async function withStore(config: AppConfig, io: CliIo, work: (store: EventStore) => Promise<number>): Promise<number> {
  await waitForNetworkStores(config, (line) => io.stderr(`helpdesk export: ${line}\n`));
  const store = await openEventStore(config.eventStore);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Signs (or verifies) with this install's key in DATA_DIR rather than EXPORT_SIGNING_KEY. */
function signsWithInstallKey(config: AppConfig): boolean {
  return config.exportSigning.source !== 'environment';
}

/**
 * The configuration for a command that uses the install's signing key and no store: this install's
 * key in DATA_DIR is read where an install is, never made afresh elsewhere (EXPORT_SIGNING_KEY is used anywhere).
 */
function installKeyConfig(io: CliIo): AppConfig {
  const config = loadConfig(io.env);
  return signsWithInstallKey(config) ? existingInstall(io, 'export', { dataDirOnly: true }) : config;
}

function printPublicKey(config: AppConfig, out: string | undefined, io: CliIo): number {
  const signer = exportSigner(config.exportSigning.privateKeyPem);
  if (out !== undefined) {
    writeFileSync(resolve(out), signer.publicKeyPem);
    io.stdout(`export: wrote the public key ${signer.keyId} to ${resolve(out)}\n`);
  } else {
    io.stdout(`# key id ${signer.keyId}\n${signer.publicKeyPem}`);
  }
  return 0;
}

/** Every event of one conversation, in revision order; null when there is no such conversation. */
export async function exportConversation(
  store: EventStore,
  conversationId: string,
  file: string,
  signer: ExportSigner,
): Promise<number | null> {
  const events = await conversationEvents(store, conversationId);
  if (events === null) return null;
  return writeExport(file, conversationScope(conversationId), events, signer);
}

/**
 * Every event of every stream in which some event carries `metadata.tenantId === portalId`, in `$all` order.
 * `progress` shows the two reads of `$all`: the scan for the portal's streams, then the export of their events.
 */
export async function exportPortal(
  store: EventStore,
  portalId: string,
  file: string,
  signer: ExportSigner,
  progress?: ProgressLine,
): Promise<number> {
  if (!progress) return writeExport(file, portalScope(portalId), portalEvents(store, portalId), signer);
  const label = `export portal ${portalId}`;
  let scanned = 0;
  // Events per stream, so that once the scan knows the portal's streams it knows how many events to write.
  const perStream = new Map<string, number>();
  const portalStreams = new Set<string>();
  const events = portalEvents(store, portalId, undefined, (event) => {
    scanned++;
    perStream.set(event.streamName, (perStream.get(event.streamName) ?? 0) + 1);
    if (event.metadata.tenantId === portalId) portalStreams.add(event.streamName);
    progress.update(() => `${label}: scanning, ${formatCount(scanned)} events read`);
  });
  let total: number | undefined;
  let written = 0;
  const writing = () =>
    `${label} ${progressBar(total === 0 ? 1 : written / (total ?? 1))}  ${formatCount(written)}/${formatCount(total ?? 0)} events written`;
  // The first event written (or the end of an empty export) ends the scan.
  const scanDone = () => {
    if (total !== undefined) return;
    total = [...portalStreams].reduce((sum, stream) => sum + (perStream.get(stream) ?? 0), 0);
    progress.done(`${label}: scanned ${formatCount(scanned)} events, ${formatCount(total)} in the portal's streams`);
  };
  const count = await writeExport(file, portalScope(portalId), events, signer, () => {
    scanDone();
    written++;
    progress.update(writing);
  });
  scanDone();
  progress.done(writing());
  return count;
}

/** Progress on stderr on a terminal or with --progress; nothing otherwise. */
function progressLine(asked: boolean | undefined, io: CliIo): ProgressLine | undefined {
  const tty = io.stderrIsTty === true;
  return asked || tty ? new ProgressLine(io.stderr, tty) : undefined;
}

async function writeExport(
  file: string,
  scope: string,
  events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
  signer: ExportSigner,
  onWritten?: () => void,
): Promise<number> {
  const chain = new ExportChain(scope, signer);
  const fd = openSync(file, 'w');
  let count = 0;
  try {
    for await (const event of events) {
      writeSync(fd, chain.line(event));
      count += 1;
      onWritten?.();
    }
    writeSync(fd, chain.trailer());
  } finally {
    closeSync(fd);
  }
  return count;
}

interface VerifyFlags {
  readonly offline?: boolean;
  readonly 'public-key'?: readonly string[];
  readonly conversation?: string;
  readonly portal?: string;
}

async function verifyCommand(subject: string, flags: VerifyFlags, io: CliIo): Promise<number> {
  const file = resolve(subject);
  const config =
    flags.offline && flags['public-key'] !== undefined
      ? null
      : flags.offline
        ? installKeyConfig(io)
        : existingInstall(io, 'export', {
            dataDirFiles: (loaded) => flags['public-key'] === undefined && signsWithInstallKey(loaded),
          });
  // Several --public-key: files signed before and after a key rotation verify with one command.
  const keys: ExportVerifyKey[] = [];
  for (const keyFile of flags['public-key'] ?? [undefined]) {
    try {
      keys.push(
        keyFile !== undefined
          ? exportVerifyKey(readFileSync(resolve(keyFile), 'utf8'))
          : verifyKeyOfSigner(exportSigner(config!.exportSigning.privateKeyPem)),
      );
    } catch (error) {
      io.stderr(`verify: cannot use the key ${keyFile ?? 'EXPORT_SIGNING_KEY'}: ${(error as Error).message}\n`);
      return 1;
    }
  }
  const expected =
    flags.conversation !== undefined
      ? conversationScope(flags.conversation)
      : flags.portal !== undefined
        ? portalScope(flags.portal)
        : undefined;
  const verify = (store?: EventStore) =>
    verifyExport(linesOfFile(file), { keys, expectScope: () => expected, reference: store && storeReference(store) });
  try {
    const verdict = flags.offline ? await verify() : await withStoreVerdict(config!, io, verify);
    return report(file, verdict, io);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'EACCES') throw error;
    io.stderr(`verify: cannot read ${file} (${code})\n`);
    return 1;
  }
}

async function withStoreVerdict(
  config: AppConfig,
  io: CliIo,
  verify: (store: EventStore) => Promise<Verdict>,
): Promise<Verdict> {
  await waitForNetworkStores(config, (line) => io.stderr(`helpdesk export: ${line}\n`));
  const store = await openEventStore(config.eventStore);
  try {
    return await verify(store);
  } finally {
    await store.close();
  }
}

/** Exit code 0 when all holds, 1 otherwise, with the verdict on stdout or stderr. */
export function report(file: string, verdict: Verdict, io: CliIo): number {
  if (!verdict.ok) {
    io.stderr(`verify: ${file} line ${verdict.line}: ${verdict.kind}: ${verdict.problem}\n`);
    return 1;
  }
  const store = verdict.comparedWithStore ? 'all match the store' : 'offline: not compared with a store';
  io.stdout(
    `verify: ${file}: ${verdict.scope}, ${verdict.count} events, chain intact, signed by ${verdict.keyId}, ${store} (head hash ${verdict.headHash})\n`,
  );
  return 0;
}
