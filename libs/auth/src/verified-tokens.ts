import type { AuthenticatedUser } from './access-token.js';

interface Verified {
  readonly user: AuthenticatedUser;
  /** The secret it was verified with: a configuration whose secret changed verifies again. */
  readonly secret: string;
  readonly verifiedAt: number;
  /** Milliseconds: from then on jose refuses its `exp` (clock tolerance included). */
  readonly acceptedUntil: number;
}

/** Enough for thousands of agents' tokens (about 300 characters each); counted in characters, so long tokens cannot grow it. */
export const VERIFIED_TOKENS_BUDGET_CHARS = 2 * 1024 * 1024;
/** A key the identity provider withdraws (AUTH_JWKS_URL) stops a token remembered with it within this time. */
export const VERIFIED_TOKEN_REUSE_MS = 60_000;

/**
 * Tokens already verified, by their exact text. A GraphQL request reads its bearer token three
 * times (the rate limit, the document gate, the guard) and a client sends the same token with
 * every request; each jose verification costs about 0.1 ms of CPU and a trip to libuv's thread
 * pool (WebCrypto). Only accepted tokens are kept, each for at most VERIFIED_TOKEN_REUSE_MS and
 * never past its `exp`; a clock that went back verifies again. Least recently used first out.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Verified>();
  private chars = 0;

  constructor(
    private readonly budgetChars = VERIFIED_TOKENS_BUDGET_CHARS,
    private readonly reuseMs = VERIFIED_TOKEN_REUSE_MS,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(token: string, secret: string, now: number): AuthenticatedUser | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    const fresh =
      entry.secret === secret &&
      now >= entry.verifiedAt &&
      now - entry.verifiedAt < this.reuseMs &&
      now < entry.acceptedUntil;
    this.entries.delete(token);
    if (!fresh) {
      this.chars -= token.length;
      return undefined;
    }
    this.entries.set(token, entry);
    return entry.user;
  }

  remember(token: string, secret: string, user: AuthenticatedUser, now: number, acceptedUntil: number): void {
    if (token.length > this.budgetChars) return;
    if (this.entries.delete(token)) this.chars -= token.length;
    this.entries.set(token, { user, secret, verifiedAt: now, acceptedUntil });
    this.chars += token.length;
    for (const oldest of this.entries.keys()) {
      if (this.chars <= this.budgetChars) break;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
  }
}
