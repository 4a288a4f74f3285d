/**
 * The bench's OAuth client, through the kit's real endpoints only: dynamic registration, one consent with a
 * Clerk session cookie, then `prompt=none` authorizations to collect many codes quickly, and the token requests
 * autocannon replays.
 */
import { createHash, randomBytes } from 'node:crypto';
import { UserAgent } from '../../test/support/userAgent.js';
import { concurrently } from './concurrently.js';
import { BenchTokenClient } from './tokenClient.js';

export const SCOPE = 'openid profile email offline_access mcp:tools';
// https: a public client on a loopback or private-use redirect is asked to consent every time (RFC 8252 §8.6), and
// the bench collects its codes with prompt=none. The redirect is never followed: the code is read from Location.
const REDIRECT_URI = 'https://client.bench.example/callback';

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  scope: string;
}

export class BenchClient extends BenchTokenClient {
  clientId = '';
  /** One PKCE pair for every code: the challenge is bound per code, so reusing it changes nothing measured. */
  readonly verifier = randomBytes(32).toString('base64url');
  readonly challenge = createHash('sha256').update(this.verifier).digest('base64url');
  #consented = false;

  constructor(
    readonly origin: string,
    readonly resource: string,
    readonly sessionCookie: string,
  ) {
    super();
  }

  async register(): Promise<void> {
    const res = await fetch(`${this.origin}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'bench',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        scope: SCOPE,
      }),
    });
    if (res.status !== 201) throw new Error(`register answered ${res.status}: ${await res.text()}`);
    this.clientId = ((await res.json()) as { client_id: string }).client_id;
  }

  authorizeUrl(prompt?: string): string {
    const url = new URL(`${this.origin}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.clientId,
      redirect_uri: REDIRECT_URI,
      scope: SCOPE,
      state: 'bench',
      nonce: 'bench-nonce',
      code_challenge: this.challenge,
      code_challenge_method: 'S256',
      resource: this.resource,
      ...(prompt ? { prompt } : {}),
    }).toString();
    return url.href;
  }

  /** The first authorization: the consent page, answered "allow" (then consent is remembered). */
  async consent(): Promise<string> {
    const browser = new UserAgent(this.origin);
    browser.setCookieHeader(this.sessionCookie);
    const callback = await browser.authorize(this.authorizeUrl('consent'), 'allow');
    const code = callback?.searchParams.get('code');
    if (!code) throw new Error(`consent did not yield a code: ${callback?.href ?? browser.lastPage?.html.slice(0, 300)}`);
    this.#consented = true;
    return code;
  }

  /** One more code: `prompt=none` with the session cookie answers straight with a redirect. */
  async code(): Promise<string> {
    if (!this.#consented) await this.consent();
    const res = await fetch(this.authorizeUrl('none'), { redirect: 'manual', headers: { cookie: this.sessionCookie } });
    const location = res.headers.get('location');
    const code = location ? new URL(location).searchParams.get('code') : null;
    if (!code) throw new Error(`prompt=none answered ${res.status} ${location ?? ''}`);
    return code;
  }

  /** `n` codes, `concurrency` authorizations in flight. */
  async codes(n: number, concurrency = 8): Promise<string[]> {
    return concurrently(n, concurrency, () => this.code());
  }

  exchangeBody(code: string): string {
    return new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: this.verifier,
      client_id: this.clientId,
    }).toString();
  }

  refreshBody(refreshToken: string): string {
    return new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: this.clientId }).toString();
  }

}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
