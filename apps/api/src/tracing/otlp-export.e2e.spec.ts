import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acme, openTicketsWorld } from '../conversation/tickets.test-world.js';
import { CREATE_CONTACT } from '../contact/contact.test-world.js';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/** A stand-in for an OpenTelemetry collector: it accepts every OTLP/HTTP post and keeps it. */
async function startCollector(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        contentType: String(request.headers['content-type'] ?? ''),
        body: Buffer.concat(chunks),
      });
      response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/json' });
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('OTLP export (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it("posts the request's spans to the collector's /v1/traces, at the latest when the service stops", async () => {
    const collector = await startCollector();
    try {
      const world = await openTicketsWorld(
        {},
        { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'helpdesk-under-test' },
      );
      try {
        const token = await world.token(acme, 'admin');
        const response = await fetch(`${await world.app.getUrl()}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: CREATE_CONTACT, variables: { input: { name: 'Ada' } } }),
        });
        expect(response.status).toBe(200);
      } finally {
        // Closing shuts the SDK down, which exports what its batch still holds.
        await world.close();
      }
      const posts = collector.received.filter((post) => post.url === '/v1/traces');
      expect(posts.length).toBeGreaterThan(0);
      expect(posts.every((post) => post.method === 'POST')).toBe(true);
      // Protobuf or JSON, the resource's service name and the span names are there as text.
      const bodies = Buffer.concat(posts.map((post) => post.body)).toString('latin1');
      expect(bodies).toContain('helpdesk-under-test');
      expect(bodies).toContain('POST /graphql');
      expect(bodies).toContain('command CreateContact');
      expect(bodies).toContain('event-store append');
    } finally {
      await new Promise((resolve) => collector.server.close(resolve));
    }
  });
});
