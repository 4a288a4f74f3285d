/**
 * Errors that the `requireBearerAuth` of both MCP SDK majors classify as OAuth errors (401 `invalid_token`,
 * 403 `insufficient_scope`) rather than a 500, without making either SDK a dependency of the kit:
 *
 * - `@modelcontextprotocol/server` 2.x tests `instanceof OAuthError` through a registry-symbol brand
 *   (`Symbol.for('mcp.sdk.errorBrands')`, made to match across bundled copies), then reads `code` and calls
 *   `toResponseObject()`. Any error carrying the brand and those two members is recognised.
 * - `@modelcontextprotocol/sdk` 1.x tests plain `instanceof InvalidTokenError` / `InsufficientScopeError` of its
 *   own module, so only its own classes pass. They are taken from the app's copy when it has the package (it
 *   resolves from here as from the app); without it, nothing of v1 can be calling. v1 ships a CommonJS and an
 *   ESM build with distinct classes: the CommonJS one when the app has loaded it (`require.cache`), else the ESM
 *   one. (An app running v1's ESM middleware while something else loaded its CommonJS build would get 500s.)
 */
import { createRequire } from 'node:module';

/** The v2 SDK's cross-bundle brand registry, and the brand of its `OAuthError`. */
const BRANDS = Symbol.for('mcp.sdk.errorBrands');
const V2_OAUTH_ERROR_BRAND = 'mcp.OAuthError';

type BearerErrorCode = 'invalid_token' | 'insufficient_scope';

/** What both SDKs read from a bearer error. */
export interface SdkBearerError extends Error {
  readonly code: BearerErrorCode;
  toResponseObject(): { error: string; error_description: string };
}

interface V1Errors {
  InvalidTokenError: new (message: string) => Error;
  InsufficientScopeError: new (message: string) => Error;
}

/** Not a literal `import('…')`: bundlers must not try to resolve an optional package at build time. */
const V1_ERRORS_MODULE = '@modelcontextprotocol/sdk/server/auth/errors.js';
const require = createRequire(import.meta.url);
let v1EsmErrors: Promise<V1Errors | undefined> | undefined;

const asV1Errors = (module: Partial<V1Errors> | undefined): V1Errors | undefined =>
  module?.InvalidTokenError && module.InsufficientScopeError ? (module as V1Errors) : undefined;

/** v1's CommonJS error classes, only when the app has already loaded that build. */
function v1CommonJsErrors(): V1Errors | undefined {
  try {
    return asV1Errors(require.cache[require.resolve(V1_ERRORS_MODULE)]?.exports as Partial<V1Errors> | undefined);
  } catch {
    return undefined;
  }
}

async function loadV1Errors(): Promise<V1Errors | undefined> {
  const commonJs = v1CommonJsErrors();
  if (commonJs) return commonJs;
  v1EsmErrors ??= import(V1_ERRORS_MODULE).then(asV1Errors, () => undefined);
  return v1EsmErrors;
}

/** The kit's own error when v1 is absent: shaped like the v2 SDK's `OAuthError`. */
class BearerAuthError extends Error implements SdkBearerError {
  constructor(
    readonly code: BearerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OAuthError';
  }

  get errorCode(): BearerErrorCode {
    return this.code;
  }

  toResponseObject() {
    return { error: this.code, error_description: this.message };
  }
}

/** An `invalid_token` or `insufficient_scope` error that both SDK majors' `requireBearerAuth` map to 401 / 403. */
export async function sdkBearerError(code: BearerErrorCode, description: string): Promise<SdkBearerError> {
  const v1 = await loadV1Errors();
  let error: SdkBearerError;
  if (v1) {
    // v1's own class (its `toResponseObject()` answers `{error, error_description}` already); v2 reads `code`.
    const V1Class = code === 'invalid_token' ? v1.InvalidTokenError : v1.InsufficientScopeError;
    error = Object.defineProperty(new V1Class(description), 'code', { value: code, enumerable: false }) as SdkBearerError;
  } else {
    error = new BearerAuthError(code, description);
  }
  Object.defineProperty(error, BRANDS, { value: new Set([V2_OAUTH_ERROR_BRAND]), enumerable: false, configurable: true });
  return error;
}
