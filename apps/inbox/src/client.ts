import { print } from '@0no-co/graphql.web';
import type { TadaDocumentNode } from 'gql.tada';
import { type Client, createClient } from 'graphql-ws';
import { describeError } from './errors';

/** A refusal, already in words for the agent; `code` is kept for the program, never shown. */
export class RequestFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestFailed';
  }
}

/** What to show the agent for a failure: the refusal's words, or a general sentence for anything else. */
export function wordsOf(error: unknown): string {
  return error instanceof RequestFailed ? error.message : describeError('UNKNOWN');
}

interface GraphqlAnswer<Result> {
  data?: Result | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** POST /graphql on this origin with the agent's bearer token. */
export class Api {
  private readonly texts = new WeakMap<object, string>();
  private disposed = false;

  constructor(
    private readonly token: string,
    private readonly onUnauthenticated: () => void,
  ) {}

  /** Signed out: late answers no longer report the token as refused. */
  dispose(): void {
    this.disposed = true;
  }

  private refused(): void {
    if (!this.disposed) this.onUnauthenticated();
  }

  async request<Result, Variables>(
    document: TadaDocumentNode<Result, Variables>,
    variables: Variables,
  ): Promise<Result> {
    let response: Response;
    try {
      response = await fetch(new URL('/graphql', location.href), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ query: this.textOf(document), variables }),
      });
    } catch {
      throw new RequestFailed('NETWORK', describeError('NETWORK'));
    }
    const answer = (await response.json().catch(() => ({}))) as GraphqlAnswer<Result>;
    const [error] = answer.errors ?? [];
    if (error) {
      const code = error.extensions?.code ?? (response.status === 401 ? 'UNAUTHENTICATED' : 'UNKNOWN');
      if (code === 'UNAUTHENTICATED') this.refused();
      throw new RequestFailed(code, describeError(code, error.message));
    }
    if (!answer.data) throw new RequestFailed('UNKNOWN', describeError('UNKNOWN'));
    return answer.data;
  }

  /** A media file of this portal (`/media/{id}` needs the bearer token, so no plain <img src>). */
  async media(url: string): Promise<Blob> {
    const response = await fetch(new URL(url, location.href), { headers: { authorization: `Bearer ${this.token}` } });
    if (!response.ok) throw new RequestFailed('MEDIA', describeError('MEDIA'));
    return response.blob();
  }

  /** POST /media: the file kept for a reply's attachment; its uploadId. */
  async upload(file: File): Promise<string> {
    const url = new URL('/media', location.href);
    url.searchParams.set('fileName', file.name);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.token}`,
          'content-type': file.type || 'application/octet-stream',
        },
        body: file,
      });
    } catch {
      throw new RequestFailed('NETWORK', describeError('NETWORK'));
    }
    const answer = (await response.json().catch(() => ({}))) as { uploadId?: string; error?: string; message?: string };
    if (response.status === 201 && answer.uploadId) return answer.uploadId;
    const code = answer.error ?? (response.status === 401 ? 'UNAUTHENTICATED' : 'UNKNOWN');
    if (code === 'UNAUTHENTICATED') this.refused();
    throw new RequestFailed(code, describeError(code, answer.message));
  }

  textOf(document: object): string {
    let text = this.texts.get(document);
    if (!text) {
      text = print(document as Parameters<typeof print>[0]);
      this.texts.set(document, text);
    }
    return text;
  }
}

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/**
 * Subscriptions over one WebSocket (graphql-ws), the token in `connection_init`. A lost
 * connection ends every subscription; each is then started again, after a growing pause, with
 * `afterPosition` set to the last notification it received, so the service sends what was missed
 * first, in order, none twice. REPLAY_TOO_LONG (too much missed): `onResync` re-reads everything
 * and the subscription starts again from now.
 */
export class Live {
  private readonly client: Client;
  private readonly stops = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly api: Api,
    token: string,
    private readonly onState: (state: LiveState) => void,
  ) {
    const url = new URL('/graphql', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.client = createClient({
      url: url.href,
      connectionParams: () => ({ authorization: `Bearer ${token}` }),
      retryAttempts: 0,
      lazy: true,
      on: {
        connected: () => this.onState('live'),
        closed: () => {
          if (!this.closed) this.onState('reconnecting');
        },
      },
    });
    this.onState('connecting');
  }

  follow<Result, Variables extends { afterPosition?: string | null }>(
    document: TadaDocumentNode<Result, Variables>,
    positionOf: (result: Result) => string,
    onNext: (result: Result) => void,
    onResync: () => void,
  ): void {
    let afterPosition: string | null = null;
    let failures = 0;
    const start = () => {
      if (this.closed) return;
      const stop = this.client.subscribe<Result>(
        { query: this.api.textOf(document), variables: { afterPosition } },
        {
          next: (answer) => {
            failures = 0;
            const code = answer.errors?.[0]?.extensions?.code;
            if (code === 'REPLAY_TOO_LONG') {
              afterPosition = null;
              onResync();
              return;
            }
            if (!answer.data) return;
            afterPosition = positionOf(answer.data as Result);
            onNext(answer.data as Result);
          },
          error: (error) => {
            this.stops.delete(stop);
            const replay = Array.isArray(error) && error.some((e) => e.extensions?.code === 'REPLAY_TOO_LONG');
            if (replay) {
              afterPosition = null;
              onResync();
            }
            failures += 1;
            setTimeout(start, Math.min(10_000, 250 * 2 ** failures));
          },
          complete: () => {
            this.stops.delete(stop);
            if (!this.closed) setTimeout(start, 1_000);
          },
        },
      );
      this.stops.add(stop);
    };
    start();
  }

  close(): void {
    this.closed = true;
    for (const stop of this.stops) stop();
    void this.client.dispose();
  }
}
