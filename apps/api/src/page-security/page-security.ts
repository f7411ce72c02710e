import type { FastifyReply, FastifyRequest } from 'fastify';

/** What a page served by the API (GraphiQL, the agent inbox) may load besides its own scripts. */
export interface PageSources {
  readonly style: string;
  readonly img: string;
  readonly media?: string;
  readonly font?: string;
}

/** A plain host name (or IPv6 literal) and port: nothing in it can add a directive. */
const PLAIN_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * This origin only: scripts from here, the given sources for the rest, requests to here. Browsers
 * of CSP level 3 count ws: and wss: of this host as 'self'; older ones need the host spelled out,
 * taken from the Host header only when it is a plain host name and port. Never framed, no referrer.
 */
export function securePage(request: FastifyRequest, reply: FastifyReply, sources: PageSources): FastifyReply {
  const host = request.headers.host ?? '';
  const websocket = PLAIN_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return reply
    .header(
      'content-security-policy',
      [
        "default-src 'none'",
        "script-src 'self'",
        `style-src ${sources.style}`,
        `img-src ${sources.img}`,
        ...(sources.media ? [`media-src ${sources.media}`] : []),
        ...(sources.font ? [`font-src ${sources.font}`] : []),
        `connect-src 'self'${websocket}`,
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}
