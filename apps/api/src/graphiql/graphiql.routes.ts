import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { securePage } from '../page-security/page-security.js';
import type { AppConfig } from '@helpdesk/config';

export const GRAPHIQL_PATH = '/graphiql';
const GRAPHQL_PATH = '/graphql';

interface Asset {
  readonly path: string;
  readonly contentType: string;
  readonly body: string | Buffer;
}

/**
 * GraphiQL in development (NODE_ENV=development, as Mercurius's `graphiql: true` was), served
 * whole from the installed packages: the page, graphiql 3's UMD build and style, React 18's UMD
 * builds, and a script of ours that starts it. Nothing is fetched from a CDN, so it works offline,
 * and the Content-Security-Policy lets the page load and connect to this origin only. Elsewhere
 * none of these routes exist (404).
 *
 * The token goes in GraphiQL's headers editor (`{"Authorization": "Bearer <token>"}`): GraphiQL
 * sends those headers with every HTTP request and, for a subscription, as the WebSocket's
 * `connection_init` payload, where subscription-auth.ts reads `Authorization` too. They are not
 * kept in the browser's storage (shouldPersistHeaders: false): a token is pasted per session.
 */
export function useGraphiql(app: NestFastifyApplication, config: AppConfig): void {
  if (config.environment !== 'development') return;
  const assets = graphiqlAssets();
  const page = graphiqlPage(assets);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get(GRAPHIQL_PATH, async (request, reply) => {
    secured(request, reply).header('cache-control', 'no-store').type('text/html; charset=utf-8');
    return page;
  });
  for (const asset of assets) {
    fastify.get(asset.path, async (request, reply) => {
      // The file names carry the packages' versions, so a browser may keep them.
      secured(request, reply).header('cache-control', 'public, max-age=31536000, immutable').type(asset.contentType);
      return asset.body;
    });
  }
}

/** The files, read once at start from node_modules (resolved as Node resolves the packages). */
function graphiqlAssets(): Asset[] {
  const requireFromHere = createRequire(import.meta.url);
  const packageDir = (name: string) => dirname(requireFromHere.resolve(`${name}/package.json`));
  const versionOf = (name: string) =>
    (JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version;
  const file = (name: string, relative: string) => readFileSync(join(packageDir(name), relative));
  const script = 'text/javascript; charset=utf-8';
  return [
    {
      path: `${GRAPHIQL_PATH}/react-${versionOf('react')}.production.min.js`,
      contentType: script,
      body: file('react', 'umd/react.production.min.js'),
    },
    {
      path: `${GRAPHIQL_PATH}/react-dom-${versionOf('react-dom')}.production.min.js`,
      contentType: script,
      body: file('react-dom', 'umd/react-dom.production.min.js'),
    },
    {
      path: `${GRAPHIQL_PATH}/graphiql-${versionOf('graphiql')}.min.js`,
      contentType: script,
      body: file('graphiql', 'graphiql.min.js'),
    },
    {
      path: `${GRAPHIQL_PATH}/graphiql-${versionOf('graphiql')}.min.css`,
      contentType: 'text/css; charset=utf-8',
      body: file('graphiql', 'graphiql.min.css'),
    },
    // Ours, named by its hash for the same reason.
    {
      path: `${GRAPHIQL_PATH}/start-${createHash('sha256').update(START_SCRIPT).digest('hex').slice(0, 16)}.js`,
      contentType: script,
      body: START_SCRIPT,
    },
  ];
}

/** Scripts in order (React, ReactDOM, GraphiQL, ours), the style; only paths of this origin. */
function graphiqlPage(assets: readonly Asset[]): string {
  const scripts = assets.filter((asset) => asset.contentType.startsWith('text/javascript'));
  const styles = assets.filter((asset) => asset.contentType.startsWith('text/css'));
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Help desk API: GraphiQL</title>
    ${styles.map((style) => `<link rel="stylesheet" href="${style.path}" />`).join('\n    ')}
  </head>
  <body style="margin: 0">
    <div id="graphiql" style="height: 100vh">Loading GraphiQL…</div>
    ${scripts.map((script) => `<script src="${script.path}"></script>`).join('\n    ')}
  </body>
</html>
`;
}

/**
 * The endpoint is this page's origin (so it follows whatever host and scheme the browser used),
 * WebSocket on the same path. The headers editor starts with the Authorization line to fill in.
 */
const START_SCRIPT = `'use strict';
(function () {
  var endpoint = new URL(${JSON.stringify(GRAPHQL_PATH)}, window.location.href);
  var subscriptions = new URL(endpoint.href);
  subscriptions.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
  var fetcher = GraphiQL.createFetcher({
    url: endpoint.href,
    subscriptionUrl: subscriptions.href,
    headers: {},
    wsConnectionParams: {},
  });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultHeaders: JSON.stringify({ Authorization: 'Bearer <paste token>' }, null, 2),
      defaultEditorToolsVisibility: 'headers',
      shouldPersistHeaders: false,
      defaultQuery:
        '# Paste an access token in the Headers tab below ("Authorization": "Bearer <token>"),\\n' +
        '# then re-fetch the schema (the sidebar\\'s circular arrows, or Ctrl-Shift-R in an editor)\\n' +
        '# for the docs and completion.\\n' +
        '# Subscriptions send the same headers in the WebSocket\\'s connection_init.\\n\\n' +
        '{\\n  serviceHealth {\\n    healthy\\n  }\\n}\\n',
    }),
  );
})();
`;

/**
 * GraphiQL's components add <style> elements of their own (styles only, never scripts); fonts and
 * icons are data: URIs in its CSS.
 */
function secured(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return securePage(request, reply, { style: "'self' 'unsafe-inline'", img: "'self' data:", font: "'self' data:" });
}
