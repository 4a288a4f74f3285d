/**
 * The bench's OAuth client for the certified peer (bench/peer.ts): the same requests {@link BenchClient} makes of
 * the kit — one authorization with sign-in and consent, then `prompt=none` authorizations for many codes, and the
 * token requests autocannon replays — through oidc-provider's own endpoints, with a cookie jar for its session.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PeerReady } from '../peer.js';
import { concurrently } from './concurrently.js';
import { BenchTokenClient } from './tokenClient.js';

export class PeerClient extends BenchTokenClient {
  readonly verifier = randomBytes(32).toString('base64url');
  readonly challenge = createHash('sha256').update(this.verifier).digest('base64url');
  readonly #cookies = new Map<string, string>();
  #signedIn = false;

  constructor(readonly peer: PeerReady) {
    super();
  }

  get origin(): string {
    return this.peer.origin;
  }

  authorizeUrl(prompt: string): string {
    const url = new URL(`${this.peer.origin}/auth`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.peer.clientId,
      redirect_uri: this.peer.redirectUri,
      scope: this.peer.scope,
      state: 'bench',
      nonce: 'bench-nonce',
      code_challenge: this.challenge,
      code_challenge_method: 'S256',
      resource: this.peer.resource,
      prompt,
    }).toString();
    return url.href;
  }

  /** Follows redirects on the peer's origin with the cookie jar; returns the code of the callback. */
  async #authorize(start: string): Promise<string> {
    let url = start;
    for (let hop = 0; hop < 8; hop++) {
      const cookie = [...this.#cookies].map(([n, v]) => `${n}=${v}`).join('; ');
      const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
      for (const set of res.headers.getSetCookie()) {
        const [pair] = set.split(';');
        const [name, ...value] = pair.split('=');
        this.#cookies.set(name.trim(), value.join('='));
      }
      const location = res.headers.get('location');
      if (!location) throw new Error(`oidc-provider answered ${res.status} at ${url}: ${(await res.text()).slice(0, 300)}`);
      await res.arrayBuffer();
      const next = new URL(location, url);
      if (next.origin !== this.peer.origin) {
        const code = next.searchParams.get('code');
        if (!code) throw new Error(`oidc-provider sent no code: ${next.href}`);
        return code;
      }
      url = next.href;
    }
    throw new Error('oidc-provider: too many redirects');
  }

  async code(): Promise<string> {
    if (!this.#signedIn) {
      const code = await this.#authorize(this.authorizeUrl('consent'));
      this.#signedIn = true;
      return code;
    }
    return this.#authorize(this.authorizeUrl('none'));
  }

  async codes(n: number, concurrency = 8): Promise<string[]> {
    if (!this.#signedIn) await this.code();
    return concurrently(n, concurrency, () => this.code());
  }

  exchangeBody(code: string): string {
    return new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.peer.redirectUri,
      code_verifier: this.verifier,
      client_id: this.peer.clientId,
      resource: this.peer.resource,
    }).toString();
  }

  refreshBody(refreshToken: string): string {
    return new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: this.peer.clientId, resource: this.peer.resource }).toString();
  }

}
