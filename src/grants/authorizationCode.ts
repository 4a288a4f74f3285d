/**
 * Authorization codes: ≥ 256 bits of randomness, stored hashed, single use, short-lived, bound to everything
 * the token request must repeat (SPEC §5). A replayed code revokes what it issued.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2 authorization response
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-4.1.3 token request
 */
import { hashCredential, randomCredential } from '../crypto/secrets.js';
import type { Logger } from '../config/options.js';
import type { Store } from '../store/store.js';
import { KEYS, type Grant } from './grant.js';
import type { Revocations } from './revocation.js';

export interface AuthorizationCodeRecord extends Grant {
  redirectUri: string;
  /** Whether the authorization request named the redirect URI (then the token request must repeat it). */
  redirectUriSent: boolean;
  codeChallenge: string;
  nonce?: string;
}

export class AuthorizationCodes {
  constructor(
    private readonly store: Store,
    private readonly revocations: Revocations,
    private readonly lifetime: number,
    private readonly replayMemory: number,
    private readonly logger: Logger,
  ) {}

  /** Stores the record under the hash of a new code and returns the code. */
  async issue(record: AuthorizationCodeRecord): Promise<string> {
    const code = randomCredential(32);
    await this.store.put(KEYS.code(hashCredential(code)), record, this.lifetime);
    return code;
  }

  /**
   * Takes the code's record atomically: of concurrent redemptions exactly one wins. A second redemption finds
   * the used-code marker and revokes the grant the first one created (RFC 6749 §4.1.2, OAuth 2.1 §4.1.3).
   */
  async redeem(code: string): Promise<AuthorizationCodeRecord | undefined> {
    const hash = hashCredential(code);
    // Taking the code and leaving its marker is one step: a replay racing this redemption on another instance
    // either wins or finds the marker, never neither (SPEC §11 Stores).
    const record = await this.store.takeAndMark<AuthorizationCodeRecord>(KEYS.code(hash), KEYS.usedCode(hash), ['grantId'], this.replayMemory);
    if (record) return record;
    const used = await this.store.get<{ grantId: string }>(KEYS.usedCode(hash));
    if (used) {
      await this.revocations.revokeGrant(used.grantId);
      this.logger.warn('authorization code replayed; the grant it created is revoked', { grant: used.grantId });
    }
    return undefined;
  }
}
