/**
 * What the bench's two OAuth clients share (the kit's, bench/lib/oauth.ts, and the certified peer's,
 * bench/lib/peerClient.ts): token requests, code exchanges, and a pool of fresh refresh tokens. Each client says
 * how it gets codes and how its exchange request reads.
 */
import type { TokenResponse } from './oauth.js';

export abstract class BenchTokenClient {
  /** The authorization server's origin; its token endpoint is `/token`. */
  abstract readonly origin: string;
  /** `n` fresh authorization codes, collected through the server's own authorization endpoint. */
  abstract codes(n: number): Promise<string[]>;
  abstract exchangeBody(code: string): string;

  async token(body: string): Promise<TokenResponse> {
    const res = await fetch(`${this.origin}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    if (res.status !== 200) throw new Error(`${this.origin}/token answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as TokenResponse;
  }

  async exchange(code: string): Promise<TokenResponse> {
    return this.token(this.exchangeBody(code));
  }

  /** `n` fresh grants (refresh tokens), by exchanging fresh codes. */
  async refreshTokens(n: number): Promise<string[]> {
    const tokens: string[] = [];
    for (const code of await this.codes(n)) {
      const { refresh_token } = await this.exchange(code);
      if (!refresh_token) throw new Error(`${this.origin} issued no refresh_token`);
      tokens.push(refresh_token);
    }
    return tokens;
  }
}
