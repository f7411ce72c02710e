import { Readable } from 'node:stream';

/** Meta's answer to `GET /{media-id}`: where to download it (for a few minutes), and what it is. */
export interface MetaMediaInfo {
  readonly url: string;
  readonly mimeType: string;
  readonly sha256: string;
  readonly fileSize: number;
}

/** A download that failed: `permanent` when trying again cannot help. */
export class MediaFetchError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'MediaFetchError';
  }
}

export interface GraphMediaApi {
  lookUp(mediaId: string): Promise<MetaMediaInfo>;
  /** The bytes, as a stream: the caller reads what it accepts and stops. */
  download(url: string): Promise<AsyncIterable<Uint8Array>>;
}

export const GRAPH_MEDIA_API = Symbol('GRAPH_MEDIA_API');

/** Meta's media endpoints over HTTP, with the access token on both calls (the download URL needs it too). */
export class HttpGraphMediaApi implements GraphMediaApi {
  constructor(private readonly options: { apiUrl: string; accessToken: string; timeoutMs?: number }) {}

  async lookUp(mediaId: string): Promise<MetaMediaInfo> {
    const response = await this.get(`${this.options.apiUrl}/${encodeURIComponent(mediaId)}`);
    const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    const { url, mime_type: mimeType, sha256, file_size: fileSize } = body ?? {};
    if (typeof url !== 'string' || typeof mimeType !== 'string' || typeof sha256 !== 'string') {
      throw new MediaFetchError("Meta's media answer has no url, mime_type or sha256", false);
    }
    const hex = sha256Hex(sha256);
    if (hex === null) throw new MediaFetchError("Meta's sha256 is not a SHA-256", true);
    return { url, mimeType, sha256: hex, fileSize: Number(fileSize ?? 0) };
  }

  async download(url: string): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.get(url);
    if (!response.body) throw new MediaFetchError('Meta sent no bytes', false);
    return Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]);
  }

  private async get(url: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${this.options.accessToken}` },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
        redirect: 'error',
      });
    } catch (error) {
      throw new MediaFetchError(`Meta could not be reached: ${String(error)}`, false);
    }
    if (!response.ok) {
      const gone = response.status === 404 || (response.status === 400 && isUnknownObject(await firstBytes(response)));
      await response.body?.cancel().catch(() => undefined);
      // Meta no longer keeps it (or never had it): retrying cannot bring it back.
      throw new MediaFetchError(`Meta answered ${response.status}${gone ? ': no such media' : ''}`, gone);
    }
    return response;
  }
}

/**
 * Graph's "Object with ID ... does not exist" (code 100, subcode 33): how `GET /{media-id}` answers a
 * media id Meta does not have (anymore); other 400s (a bad token, a throttle) may pass.
 */
function isUnknownObject(body: string): boolean {
  try {
    const error = (JSON.parse(body) as { error?: { code?: unknown; error_subcode?: unknown } }).error;
    return error?.code === 100 && error.error_subcode === 33;
  } catch {
    return false;
  }
}

/** An error body, read only up to a bound (Meta's are short; whatever answers instead may not be). */
async function firstBytes(response: Response, maxBytes = 16 * 1024): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size >= maxBytes) break;
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

/** Meta's checksum as lowercase hex, whether Meta spelt it in hex or in base64; null if it is neither. */
export function sha256Hex(value: string): string | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase();
  if (!/^[A-Za-z0-9+/]{43}=?$/.test(value)) return null;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : null;
}
