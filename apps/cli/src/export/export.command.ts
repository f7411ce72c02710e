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
import { UsageError, type CliCommand, type CliIo } from '../cli-command.js';

const USAGE = `Usage: helpdesk export conversation <conversationId> --out file.ndjson
       helpdesk export portal <portalId> --out file.ndjson
       helpdesk export verify file.ndjson [--offline] [--public-key key.pem] [--conversation <id> | --portal <id>]
       helpdesk export public-key [--out key.pem]

export writes NDJSON, one line per event (stream, revision, position, id, type, data, metadata,
created) with a SHA-256 hash chained to the previous line's hash, then a trailer line (scope, count,
first and last position, head hash, key id) signed with Ed25519 by EXPORT_SIGNING_KEY, or by this
install's own key in DATA_DIR: the events of one conversation, or of every stream whose events
carry the portal as tenant.
verify checks the chain and the trailer's signature, then compares every line with the store: count,
order, positions, revisions and every field. --offline reads no store: the file and the key alone.
--public-key trusts that key (what \`export public-key\` printed) instead of the configured one;\nrepeat it to trust several (the keys before and after a rotation).
--conversation / --portal refuse a genuine export of something else. The first line that does not
hold is reported with what is wrong, and the exit code is 1.
public-key prints the public key auditors verify with, and its key id.`;

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export a conversation or a portal as signed, hash-chained NDJSON, or verify such an export',
  usage: USAGE,
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
          : await exportPortal(store, subject, file, signer);
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
  const store = openEventStore(config.eventStore);
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

/** Every event of every stream in which some event carries `metadata.tenantId === portalId`, in `$all` order. */
export async function exportPortal(
  store: EventStore,
  portalId: string,
  file: string,
  signer: ExportSigner,
): Promise<number> {
  return writeExport(file, portalScope(portalId), portalEvents(store, portalId), signer);
}

async function writeExport(
  file: string,
  scope: string,
  events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
  signer: ExportSigner,
): Promise<number> {
  const chain = new ExportChain(scope, signer);
  const fd = openSync(file, 'w');
  let count = 0;
  try {
    for await (const event of events) {
      writeSync(fd, chain.line(event));
      count += 1;
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
  const store = openEventStore(config.eventStore);
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
