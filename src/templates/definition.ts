/**
 * A Clerk JWT template as this kit defines it in `clerk-templates/*.json`: the fields of Clerk's
 * create/update body that the kit manages. Signing-key fields are left out on purpose: the middleware re-signs
 * the id_token with its own key, so Clerk's signature never reaches a client.
 *
 * @see https://clerk.com/docs/reference/backend-api/tag/JWT-Templates#operation/CreateJWTTemplate
 */

/** A JSON value as found in a template's `claims`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface TemplateDefinition {
  /** Unique per Clerk instance; the key provisioning matches on. */
  name: string;
  /** Claims in Clerk's template syntax (static values and `{{shortcodes}}`). */
  claims: Record<string, JsonValue>;
  /** Token lifetime in seconds; `undefined` = not managed, the instance's value stays. */
  lifetime?: number;
  /** Allowed clock skew in seconds; `undefined` = not managed, the instance's value stays. */
  allowedClockSkew?: number;
}

/** A template definition and the file it came from, for messages. */
export interface LoadedTemplate {
  source: string;
  template: TemplateDefinition;
}

/** A template as the Clerk instance holds it (the fields provisioning compares). */
export interface RemoteTemplate {
  id: string;
  name: string;
  claims: Record<string, unknown>;
  lifetime?: number | null;
  allowedClockSkew?: number | null;
}
