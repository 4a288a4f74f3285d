/**
 * Clerk Backend API errors as the double answers them: the `ClerkErrors` body of the BAPI contract
 * (`{ errors: [{ message, long_message, code, meta? }], clerk_trace_id? }`), with the status, code and wording of
 * the entries in Clerk's published error catalogue.
 *
 * @see https://clerk.com/docs/guides/development/errors/backend-api
 * @see https://github.com/clerk/openapi-specs/blob/main/bapi/2026-05-12.yml (`components.schemas.ClerkErrors`)
 */
import { randomUUID } from 'node:crypto';

/** One entry of `ClerkErrors.errors` (`components.schemas.ClerkError`). */
export interface ClerkErrorEntry {
  message: string;
  long_message: string;
  code: string;
  meta?: Record<string, unknown>;
}

/** The `ClerkErrors` response body. */
export interface ClerkErrorsBody {
  errors: ClerkErrorEntry[];
  clerk_trace_id?: string;
}

/**
 * A refusal the BAPI router turns into a `ClerkErrors` response; anything thrown that is not one stays a visible 500.
 */
export class ClerkApiError extends Error {
  readonly status: number;
  readonly entry: ClerkErrorEntry;

  constructor(status: number, entry: ClerkErrorEntry) {
    super(entry.long_message);
    this.name = 'ClerkApiError';
    this.status = status;
    this.entry = entry;
  }

  /** The response body, with a fresh trace id as Clerk attaches one to every error. */
  toBody(): ClerkErrorsBody {
    return { errors: [this.entry], clerk_trace_id: randomUUID().replaceAll('-', '') };
  }
}

/**
 * 401 for a missing or non-Bearer `Authorization` header (catalogue: `InvalidAuthorizationHeaderFormat`).
 * @see https://clerk.com/docs/guides/development/errors/backend-api
 */
export function authorizationHeaderFormatInvalid(): ClerkApiError {
  return new ClerkApiError(401, {
    message: 'Invalid Authorization header format',
    long_message: "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
    code: 'authorization_header_format_invalid',
  });
}

/**
 * 401 for a Bearer secret key the instance does not know (catalogue: `InvalidClerkSecretKey`).
 * @see https://clerk.com/docs/guides/development/errors/backend-api
 */
export function clerkKeyInvalid(): ClerkApiError {
  const text = 'The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.';
  return new ClerkApiError(401, { message: text, long_message: text, code: 'clerk_key_invalid' });
}

/**
 * 404 `resource_not_found`; `longMessage` carries the catalogue's per-resource wording
 * (`No session was found with id <id>`, `No JWT template exists with id: <id>`, …).
 * @see https://clerk.com/docs/guides/development/errors/backend-api
 */
export function resourceNotFound(longMessage = 'Resource not found'): ClerkApiError {
  return new ClerkApiError(404, { message: 'not found', long_message: longMessage, code: 'resource_not_found' });
}

/**
 * 422 `form_param_missing` (catalogue: `FormMissingParameter`).
 * @see https://clerk.com/docs/guides/development/errors/backend-api
 */
export function formParamMissing(param: string): ClerkApiError {
  return new ClerkApiError(422, {
    message: 'is missing',
    long_message: `${param} must be included.`,
    code: 'form_param_missing',
    meta: { param_name: param },
  });
}

/**
 * 422 `form_param_value_invalid` (catalogue: `FormValidationFailed` / `FormInvalidParameterValue`).
 * @see https://clerk.com/docs/guides/development/errors/backend-api
 */
export function formParamValueInvalid(param: string, longMessage = `${param} is invalid`): ClerkApiError {
  return new ClerkApiError(422, {
    message: 'is invalid',
    long_message: longMessage,
    code: 'form_param_value_invalid',
    meta: { param_name: param },
  });
}

/**
 * 422 `form_param_type_invalid` (catalogue: `FormInvalidTypeParameter`), for `claims: "a string"` and the like.
 * @see https://clerk.com/docs/guides/development/errors/backend-api
 */
export function formParamTypeInvalid(param: string, type: string): ClerkApiError {
  return new ClerkApiError(422, {
    message: 'is invalid',
    long_message: `\`${param}\` must be a \`${type}\`.`,
    code: 'form_param_type_invalid',
    meta: { param_name: param },
  });
}

/**
 * 422 `form_identifier_exists` (catalogue: `FormIdentifierExists`). The catalogue's JWT-template section lists no
 * duplicate-name error, so a taken template name gets the generic "given identifier already exists" form error; the
 * create operation's documented responses (400, 402, 422) allow it.
 * @see https://clerk.com/docs/guides/development/errors/backend-api
 */
export function formIdentifierExists(param: string, longMessage: string): ClerkApiError {
  return new ClerkApiError(422, {
    message: 'already exists',
    long_message: longMessage,
    code: 'form_identifier_exists',
    meta: { param_name: param },
  });
}

/**
 * 400 `jwt_template_reserved_claim` (catalogue: `JWTTemplateReservedClaim`). The catalogue's meta `{ Name: param }`
 * is a Go field that goes over the wire as `param_name`, which `@clerk/shared` reads (`json.meta?.param_name`).
 * @see https://clerk.com/docs/guides/development/errors/backend-api
 */
export function jwtTemplateReservedClaim(claim: string): ClerkApiError {
  return new ClerkApiError(400, {
    message: 'reserved claim used',
    long_message: `You can't use the reserved claim: '${claim}'`,
    code: 'jwt_template_reserved_claim',
    meta: { param_name: 'claims' },
  });
}

/**
 * 400 `request_body_invalid` (catalogue: `InvalidRequestBody`), for a body that is not JSON.
 * @see https://clerk.com/docs/guides/development/errors/backend-api
 */
export function requestBodyInvalid(): ClerkApiError {
  return new ClerkApiError(400, {
    message: 'Request body invalid',
    long_message: 'The request body is invalid. Please consult the API documentation for more information.',
    code: 'request_body_invalid',
  });
}

/**
 * 500 `internal_clerk_error` (catalogue: `Unexpected`): a bug in the double, answered in Clerk's shape so that
 * `@clerk/backend` surfaces it instead of failing to parse.
 * @see https://clerk.com/docs/guides/development/errors/backend-api
 */
export function internalClerkError(): ClerkApiError {
  return new ClerkApiError(500, {
    message: 'Oops, an unexpected error occurred',
    long_message: "There was an internal error on our servers. We've been notified and are working on fixing it.",
    code: 'internal_clerk_error',
  });
}
