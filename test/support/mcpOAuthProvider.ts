/**
 * An in-memory `OAuthClientProvider` for the MCP SDK client transports, v1 (`@modelcontextprotocol/sdk`) and
 * v2 (`@modelcontextprotocol/client`). It stores what the SDK hands it unchanged (the SDKs stamp stored
 * credentials with `issuer` and compare the stamp on read) and records everything the SDK did through it, so a
 * test can assert what the client saw: the states it produced, the authorization URLs it "opened", every token
 * set and registration it saved, every credential invalidation.
 *
 * Generic over the stored shapes because v1 and v2 name them differently (`OAuthTokens` vs
 * `StoredOAuthTokens`, …); instantiate it with the SDK's own types so the compiler checks it against that SDK's
 * `OAuthClientProvider` interface.
 */
import { randomBytes } from 'node:crypto';

export interface TestClientMetadata {
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  client_name: string;
}

export type InvalidationScope = 'all' | 'client' | 'tokens' | 'verifier' | 'discovery';

export class InMemoryOAuthProvider<Info, Tokens, Discovery> {
  readonly clientMetadata: TestClientMetadata;
  /** Every state value `state()` produced, oldest first. */
  readonly states: string[] = [];
  /** Every URL the SDK asked to open in the user agent, oldest first. */
  readonly authorizationUrls: URL[] = [];
  /** Every token set the SDK saved, oldest first. */
  readonly savedTokens: Tokens[] = [];
  /** Every client registration the SDK saved, oldest first. */
  readonly savedClientInformation: Info[] = [];
  readonly invalidations: InvalidationScope[] = [];

  #clientInformation?: Info;
  #tokens?: Tokens;
  #codeVerifier?: string;
  #discovery?: Discovery;

  constructor(
    readonly redirectUrl: string,
    clientName: string,
  ) {
    this.clientMetadata = {
      redirect_uris: [redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      client_name: clientName,
    };
  }

  state(): string {
    const state = randomBytes(16).toString('base64url');
    this.states.push(state);
    return state;
  }

  clientInformation(): Info | undefined {
    return this.#clientInformation;
  }

  saveClientInformation(info: Info): void {
    this.savedClientInformation.push(info);
    this.#clientInformation = info;
  }

  tokens(): Tokens | undefined {
    return this.#tokens;
  }

  saveTokens(tokens: Tokens): void {
    this.savedTokens.push(tokens);
    this.#tokens = tokens;
  }

  /** Test hook: replaces the stored tokens without recording a save (simulates a token that went bad). */
  replaceTokens(tokens: Tokens): void {
    this.#tokens = tokens;
  }

  redirectToAuthorization(authorizationUrl: URL): void {
    this.authorizationUrls.push(authorizationUrl);
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.#codeVerifier = codeVerifier;
  }

  codeVerifier(): string {
    if (!this.#codeVerifier) throw new Error('no PKCE code verifier saved');
    return this.#codeVerifier;
  }

  saveDiscoveryState(state: Discovery): void {
    this.#discovery = state;
  }

  discoveryState(): Discovery | undefined {
    return this.#discovery;
  }

  invalidateCredentials(scope: InvalidationScope): void {
    this.invalidations.push(scope);
    if (scope === 'all' || scope === 'client') this.#clientInformation = undefined;
    if (scope === 'all' || scope === 'tokens') this.#tokens = undefined;
    if (scope === 'all' || scope === 'verifier') this.#codeVerifier = undefined;
    if (scope === 'all' || scope === 'discovery') this.#discovery = undefined;
  }

  /** The one authorization URL the SDK asked to open; fails if there were none or several. */
  onlyAuthorizationUrl(): URL {
    if (this.authorizationUrls.length !== 1) throw new Error(`expected one authorization URL, got ${this.authorizationUrls.length}`);
    return this.authorizationUrls[0];
  }
}
