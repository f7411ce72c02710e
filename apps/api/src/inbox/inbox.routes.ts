import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { securePage } from '../page-security/page-security.js';

export const INBOX_PATH = '/inbox';

const NOT_BUILT =
  'The agent inbox is not built: run `npm run build` (it writes dist/inbox), then restart the service.\n';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

interface File {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * The agent inbox (apps/inbox), a static page of this origin that speaks the public GraphQL API
 * and its subscriptions. `npm run build` builds it into dist/inbox; this serves what is there,
 * read once at start (the page, then its hashed assets under /inbox/assets/). The API does not
 * import the inbox's code: only its built files. Without them, /inbox answers 404 saying how to
 * build it, and the service runs as usual.
 */
export function useInbox(app: NestFastifyApplication, directory = defaultInboxDirectory()): void {
  const files = readBuilt(directory);
  const fastify = app.getHttpAdapter().getInstance();
  const serve = async (request: FastifyRequest, reply: FastifyReply, path: string) => {
    secured(request, reply);
    if (!files) return reply.code(404).type('text/plain; charset=utf-8').send(NOT_BUILT);
    const file = files.get(path === '' ? 'index.html' : path);
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
    reply
      .header('cache-control', path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
      .type(file.contentType);
    return reply.send(file.body);
  };
  fastify.get(INBOX_PATH, (request, reply) => serve(request, reply, ''));
  fastify.get(`${INBOX_PATH}/*`, (request, reply) =>
    serve(request, reply, (request.params as { '*'?: string })['*'] ?? ''),
  );
}

/** dist/inbox of the installation: the first folder up from here with a package.json holds it. */
export function defaultInboxDirectory(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  return join(folder, 'dist', 'inbox');
}

/** Every file of the build by its path relative to the folder (only those: nothing else is reachable). */
function readBuilt(directory: string): Map<string, File> | null {
  if (!existsSync(join(directory, 'index.html'))) return null;
  const files = new Map<string, File>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else
        files.set(relative(directory, path).split(sep).join('/'), {
          body: readFileSync(path),
          contentType: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
        });
    }
  };
  walk(directory);
  return files;
}

/** Media are shown from blob: URLs made of what /media answered. */
function secured(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return securePage(request, reply, { style: "'self'", img: "'self' blob: data:", media: "'self' blob:" });
}
