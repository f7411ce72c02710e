import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@helpdesk/config';
import { conversationStreamName } from '@helpdesk/domain';
import { type EventStore, type RecordedEvent, StreamDeletedError, StreamNotFoundError } from '@helpdesk/event-store';
import { openEventStore } from '../../../api/src/stores/open-event-store.js';
import { UsageError, type CliCommand, type CliIo } from '../cli-command.js';
import { type ExportedEvent, ExportChain, canonicalJson, checkChain } from './export-chain.js';

const USAGE = `Usage: helpdesk export conversation <conversationId> --out file.ndjson
       helpdesk export portal <portalId> --out file.ndjson
       helpdesk export verify file.ndjson

export writes NDJSON, one line per event (stream, revision, position, id, type, data, metadata,
created) with a SHA-256 hash chained to the previous line's hash, then a summary line (count, last
hash): the events of one conversation, or of every stream whose events carry the portal as tenant.
verify recomputes the chain and compares every event with the store (id, type, data, revision);
the first mismatch is reported with its line number and the exit code is 1.`;

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export a conversation or a portal as hash-chained NDJSON, or verify such an export',
  usage: USAGE,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: { out: { type: 'string' } },
    });
    const [what, subject, ...extra] = positionals;
    if (!subject?.trim() || extra.length > 0) throw new UsageError('expected one subject after the export kind');
    if (what === 'verify') {
      if (values.out !== undefined) throw new UsageError('verify takes no --out');
      return withStore(io, (store) => verifyExport(store, resolve(subject), io));
    }
    if (what !== 'conversation' && what !== 'portal') {
      throw new UsageError(`expected 'conversation', 'portal' or 'verify', got '${what ?? ''}'`);
    }
    if (!values.out?.trim()) throw new UsageError('--out is required');
    const file = resolve(values.out);
    return withStore(io, async (store) => {
      const count =
        what === 'conversation' ? await exportConversation(store, subject, file) : await exportPortal(store, subject, file);
      if (count === null) {
        io.stderr(`export: no conversation ${subject}\n`);
        return 1;
      }
      io.stdout(`export: wrote ${count} events to ${file}\n`);
      return 0;
    });
  },
};

async function withStore(io: CliIo, work: (store: EventStore) => Promise<number>): Promise<number> {
  const store = openEventStore(loadConfig(io.env).eventStore);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Every event of one conversation, in revision order; null when there is no such conversation. */
export async function exportConversation(store: EventStore, conversationId: string, file: string): Promise<number | null> {
  const stream = conversationStreamName(conversationId);
  const events: RecordedEvent[] = [];
  try {
    for await (const event of store.readStream(stream)) events.push(event);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return null;
    throw error;
  }
  return writeExport(file, `conversation ${conversationId}`, events);
}

/** Every event of every stream in which some event carries `metadata.tenantId === portalId`, in `$all` order. */
export async function exportPortal(store: EventStore, portalId: string, file: string): Promise<number> {
  const streams = new Set<string>();
  for await (const event of store.readAll()) {
    if (event.metadata.tenantId === portalId) streams.add(event.streamName);
  }
  async function* portalEvents(): AsyncIterable<RecordedEvent> {
    for await (const event of store.readAll()) if (streams.has(event.streamName)) yield event;
  }
  return writeExport(file, `portal ${portalId}`, portalEvents());
}

async function writeExport(file: string, scope: string, events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>): Promise<number> {
  const chain = new ExportChain(scope);
  const fd = openSync(file, 'w');
  let count = 0;
  try {
    for await (const event of events) {
      writeSync(fd, chain.line(event));
      count += 1;
    }
    writeSync(fd, chain.summary());
  } finally {
    closeSync(fd);
  }
  return count;
}

/** Recomputes the chain, then compares each event with the store. Exit code 0 when all holds, 1 otherwise. */
export async function verifyExport(store: EventStore, file: string, io: CliIo): Promise<number> {
  const check = checkChain(readFileSync(file, 'utf8'));
  if (!check.ok) {
    io.stderr(`verify: ${file} line ${check.line}: ${check.problem}\n`);
    return 1;
  }
  for (let index = 0; index < check.events.length; index++) {
    const problem = await differenceWithStore(store, check.events[index]);
    if (problem) {
      io.stderr(`verify: ${file} line ${check.lineNumbers[index]}: ${problem}\n`);
      return 1;
    }
  }
  io.stdout(`verify: ${file}: ${check.summary.count} events, chain intact, all match the store (last hash ${check.summary.lastHash})\n`);
  return 0;
}

async function differenceWithStore(store: EventStore, exported: ExportedEvent): Promise<string | null> {
  if (!/^\d+$/.test(exported.revision)) return `revision '${exported.revision}' is not a number`;
  const revision = BigInt(exported.revision);
  let stored: RecordedEvent | undefined;
  try {
    for await (const event of store.readStream(exported.stream, { fromRevision: revision, maxCount: 1 })) stored = event;
  } catch (error) {
    if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) {
      return `stream ${exported.stream} is not in the store`;
    }
    throw error;
  }
  const where = `${exported.stream}@${exported.revision}`;
  if (!stored || stored.revision !== revision) return `${where}: no event at this revision in the store`;
  if (stored.id !== exported.id) return `${where}: id ${exported.id} in the file, ${stored.id} in the store`;
  if (stored.type !== exported.type) return `${where}: type ${exported.type} in the file, ${stored.type} in the store`;
  if (canonicalJson(stored.data) !== canonicalJson(exported.data)) return `${where}: data differs from the store`;
  return null;
}
