import { connect } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  readonly text: string;
}

/**
 * One HTTP/1.1 request written byte for byte on a fresh TCP connection (`Connection: close`), so
 * the path reaches the server exactly as spelled: no client library normalises `%67`, `#` or `//`.
 */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const head = [
      `${method} ${path} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Connection: close',
      `Content-Length: ${Buffer.byteLength(body)}`,
    ];
    for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
    // Written, not ended: a client that half-closes is aborted by Node's HTTP server as soon as the
    // server awaits anything (token verification is asynchronous); `Connection: close` ends it instead.
    socket.on('connect', () => socket.write(`${head.join('\r\n')}\r\n\r\n${body}`));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
}
