/**
 * Whether the client behind an authorization request is who it says it is (pure). Only then may a consent the
 * user gave before issue a code without asking them again.
 *
 * A confidential client proves itself at the token endpoint, and an `https:` redirect URI can only be served
 * by its owner. A public client (`none`, which every metadata-document client is) redirecting to a loopback
 * `http:` port or a private-use scheme can be impersonated by any program on the device that knows its
 * `client_id`: it picks its own port or claims the scheme and brings its own PKCE.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-8.6 client impersonation
 */

export interface ClientIdentityInput {
  token_endpoint_auth_method: string;
  /** Metadata-document clients are public whatever their document says. */
  metadata_document?: boolean;
}

/** True when remembered consent may be reused silently for this client and redirect URI. */
export function clientIdentityAssured(client: ClientIdentityInput, redirectUri: string): boolean {
  const confidential = client.token_endpoint_auth_method !== 'none' && client.metadata_document !== true;
  if (confidential) return true;
  try {
    return new URL(redirectUri).protocol === 'https:';
  } catch {
    return false;
  }
}
