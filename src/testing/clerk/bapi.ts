/**
 * The Backend API router: the `/v1` paths `@clerk/backend` calls, answering as Clerk's BAPI contract says (statuses,
 * `ClerkErrors` bodies, resource shapes). State lives in the double; this file is HTTP only.
 *
 * @see https://github.com/clerk/openapi-specs/blob/main/bapi/2026-05-12.yml
 * @see https://clerk.com/docs/reference/backend-api
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { ClerkDoubleFailure, ClerkDoubleRequestLog, ClerkDoubleSession, ClerkDoubleUser } from './contract.js';
import {
  ClerkApiError,
  authorizationHeaderFormatInvalid,
  clerkKeyInvalid,
  formIdentifierExists,
  formParamValueInvalid,
  internalClerkError,
  requestBodyInvalid,
  resourceNotFound,
} from './errors.js';
import { clerkId } from './ids.js';
import { templateSettings, LIFETIME } from './jwt-templates.js';
import type { InstanceKey } from './keys.js';
import {
  deletedObjectJson,
  effectiveStatus,
  jwtTemplateJson,
  sessionJson,
  shortcodeContext,
  userJson,
  type JwtTemplateRecord,
} from './resources.js';
import { renderClaims } from './shortcodes.js';
import { membershipJson, organizationShortcodes, type OrganizationDirectory } from './organizations.js';
import { importCustomSigningKey, mintSessionToken, mintTemplateToken, type TemplateSigner } from './tokens.js';

/** What the router reads and writes; the double owns it. */
export interface BapiState {
  readonly secretKey: string;
  /** `iss` of every token. */
  readonly frontendApi: string;
  readonly key: InstanceKey;
  readonly users: ReadonlyMap<string, ClerkDoubleUser>;
  readonly sessions: ReadonlyMap<string, ClerkDoubleSession>;
  readonly templates: Map<string, JwtTemplateRecord>;
  readonly requests: ClerkDoubleRequestLog[];
  /** Handshake payloads the Frontend API left under a nonce (`format=nonce`), each read once. */
  readonly handshakeNonces?: Map<string, string[]>;
  /** Organizations and memberships. */
  readonly directory: OrganizationDirectory;
  /** The `o` claim of the session's tokens: its active organization, if any. */
  activeOrganization(session: ClerkDoubleSession): { id: string; slug: string; role: string } | undefined;
  /** The injected failure for a request of this method, consumed; `undefined` when none applies. */
  takeFailure(method: string): ClerkDoubleFailure | undefined;
}

const LOGGED_PATH = 'clerkDoublePath';

/**
 * The `Router` serving BAPI under `/v1`; mount it anywhere and point `apiUrl` at the mount point.
 * @see https://clerk.com/docs/reference/backend-api
 */
export function bapiRouter(state: BapiState): Router {
  const router = express.Router();
  const v1 = express.Router();

  // BAPI bodies are JSON; `@clerk/backend` always labels them so. Parsed first so that the log holds every body.
  v1.use(express.json({ type: () => true }));
  v1.use(authenticate(state));
  v1.use(injectFailure(state));

  v1.get('/jwks', (req, res) => send(state, req, res, 200, { keys: [state.key.publicJwk] }));

  v1.get('/jwt_templates', (req, res) => {
    const all = [...state.templates.values()];
    const { limit, offset } = pagination(req);
    const page = all.slice(offset, offset + limit).map(jwtTemplateJson);
    // The contract's 200 is an array; `paginated=true` (what the SDKs send) wraps it as `{ data, total_count }`,
    // like every other paginated BAPI list.
    const body = req.query.paginated === 'true' ? { data: page, total_count: all.length } : page;
    send(state, req, res, 200, body);
  });

  v1.post('/jwt_templates', async (req, res) => {
    const settings = await templateSettings(req.body);
    assertNameFree(state, settings.name);
    const now = Date.now();
    const template: JwtTemplateRecord = { id: clerkId('jtmp'), ...settings, createdAt: now, updatedAt: now };
    state.templates.set(template.id, template);
    send(state, req, res, 200, jwtTemplateJson(template));
  });

  v1.get('/jwt_templates/:template_id', (req, res) => {
    send(state, req, res, 200, jwtTemplateJson(templateById(state, req.params.template_id)));
  });

  v1.patch('/jwt_templates/:template_id', async (req, res) => {
    const current = templateById(state, req.params.template_id);
    const settings = await templateSettings(req.body, current);
    assertNameFree(state, settings.name, current.id);
    Object.assign(current, settings, { updatedAt: Date.now() });
    send(state, req, res, 200, jwtTemplateJson(current));
  });

  v1.delete('/jwt_templates/:template_id', (req, res) => {
    const template = templateById(state, req.params.template_id);
    state.templates.delete(template.id);
    send(state, req, res, 200, deletedObjectJson('jwt_template', template.id));
  });

  v1.get('/sessions/:session_id', (req, res) => {
    send(state, req, res, 200, sessionJson(sessionById(state, req.params.session_id)));
  });

  v1.post('/sessions/:session_id/tokens', async (req, res) => {
    const session = activeSession(state, req.params.session_id);
    const jwt = await mintSessionToken({
      key: state.key,
      issuer: state.frontendApi,
      sessionId: session.id,
      userId: session.userId,
      issuedAt: nowSeconds(),
      lifetime: expiresInSeconds(req.body),
      organization: state.activeOrganization(session),
    });
    send(state, req, res, 200, { object: 'token', jwt });
  });

  v1.post('/sessions/:session_id/tokens/:template_name', async (req, res) => {
    const session = activeSession(state, req.params.session_id);
    const template = [...state.templates.values()].find((t) => t.name === req.params.template_name);
    if (template === undefined) throw resourceNotFound(`No JWT template exists with name: ${req.params.template_name}`);
    const user = userById(state, session.userId);
    const jwt = await mintTemplateToken({
      signer: await templateSigner(state, template),
      issuer: state.frontendApi,
      userId: user.id,
      claims: renderClaims(template.claims, shortcodeContext(user, activeOrganizationTree(state, session))),
      issuedAt: nowSeconds(),
      lifetime: expiresInSeconds(req.body) ?? template.lifetime,
      allowedClockSkew: template.allowedClockSkew,
    });
    send(state, req, res, 200, { object: 'token', jwt });
  });

  // Undocumented in the contract (`/clients/handshake_payload: {}`); `@clerk/backend` reads `directives` from it
  // to resolve a `__clerk_handshake_nonce`. A nonce answers once.
  v1.get('/clients/handshake_payload', (req, res) => {
    const nonce = typeof req.query.nonce === 'string' ? req.query.nonce : '';
    const directives = state.handshakeNonces?.get(nonce);
    if (directives === undefined) throw resourceNotFound();
    state.handshakeNonces!.delete(nonce);
    send(state, req, res, 200, { directives });
  });

  v1.get('/users/:user_id', (req, res) => {
    send(state, req, res, 200, userJson(userById(state, req.params.user_id)));
  });

  // `UsersGetOrganizationMemberships`: the user's memberships, newest first, paginated.
  v1.get('/users/:user_id/organization_memberships', (req, res) => {
    const all = state.directory.ofUser(req.params.user_id);
    const { limit, offset } = pagination(req);
    const data = all.slice(offset, offset + limit).map((m) => membershipJson(m, state.directory, state.users.get(m.userId)));
    send(state, req, res, 200, { data, total_count: all.length });
  });

  // `ListOrganizationMemberships`: `user_id` (repeatable; "Any user IDs not found are ignored") filters.
  v1.get('/organizations/:organization_id/memberships', (req, res) => {
    const raw = req.query.user_id;
    const userIds = raw === undefined ? undefined : (Array.isArray(raw) ? raw : [raw]).map(String);
    const all = state.directory.ofOrganization(req.params.organization_id).filter((m) => userIds === undefined || userIds.includes(m.userId));
    const { limit, offset } = pagination(req);
    const data = all.slice(offset, offset + limit).map((m) => membershipJson(m, state.directory, state.users.get(m.userId)));
    send(state, req, res, 200, { data, total_count: all.length });
  });

  // `DeleteOrganizationMembership`: answers the removed membership.
  v1.delete('/organizations/:organization_id/memberships/:user_id', (req, res) => {
    const { organization_id: organizationId, user_id: userId } = req.params;
    const membership = state.directory.organizations.has(organizationId) ? state.directory.find(organizationId, userId) : undefined;
    if (membership === undefined) throw resourceNotFound(`No organization membership was found for user ${userId}`);
    const body = membershipJson(membership, state.directory, state.users.get(userId));
    state.directory.remove(organizationId, userId);
    send(state, req, res, 200, body);
  });

  // Any other path or method under /v1.
  v1.use(() => {
    throw resourceNotFound();
  });

  v1.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const refusal = clerkApiError(error);
    send(state, req, res, refusal.status, refusal.toBody());
  });

  router.use((req, res, next) => {
    // The log names paths below the mount point (`/v1/jwt_templates`), wherever the router is mounted.
    res.locals[LOGGED_PATH] = req.path;
    next();
  });
  router.use('/v1', v1);
  return router;
}

/**
 * `Authorization: Bearer <secret key>` on every path, `/v1/jwks` included. A missing or non-Bearer header and an
 * unknown key are distinct 401s in Clerk's catalogue.
 */
function authenticate(state: BapiState) {
  return (req: Request, res: Response, next: NextFunction) => {
    const match = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
    if (match === null) throw authorizationHeaderFormatInvalid();
    if (match[1] !== state.secretKey) throw clerkKeyInvalid();
    next();
  };
}

function injectFailure(state: BapiState) {
  return (req: Request, res: Response, next: NextFunction) => {
    const failure = state.takeFailure(req.method);
    if (failure === undefined) return next();
    const { status, code, message, longMessage = message, meta } = failure;
    throw new ClerkApiError(status, { message, long_message: longMessage, code, ...(meta && { meta }) });
  };
}

/**
 * Writes the JSON answer and logs it. `Content-Type` is exactly `application/json`, as Clerk sends it: `@clerk/backend`
 * compares the header literally and reads any other value (Express's `; charset=utf-8` included) as text.
 */
function send(state: BapiState, req: Request, res: Response, status: number, body: unknown): void {
  state.requests.push({
    method: req.method,
    path: String(res.locals[LOGGED_PATH]),
    query: { ...req.query },
    body: req.body ?? null,
    status,
  });
  res.status(status);
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}

function clerkApiError(error: unknown): ClerkApiError {
  if (error instanceof ClerkApiError) return error;
  // body-parser's refusal of a body that is not JSON.
  if (error instanceof SyntaxError && (error as { type?: string }).type === 'entity.parse.failed') return requestBodyInvalid();
  console.error('clerk double: unexpected error', error);
  return internalClerkError();
}

/** `limit` (1..500, default 10) and `offset` (≥ 0, default 0): `components.parameters.LimitParameter`/`OffsetParameter`. */
function pagination(req: Request): { limit: number; offset: number } {
  return {
    limit: queryInteger(req, 'limit', 10, 1, 500),
    offset: queryInteger(req, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

function queryInteger(req: Request, param: string, fallback: number, min: number, max: number): number {
  const raw = req.query[param];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw formParamValueInvalid(param, `${param} must be an integer between ${min} and ${max}.`);
  return value;
}

/** `expires_in_seconds` of the token bodies: integer 30..315360000 or absent/`null`. */
function expiresInSeconds(body: unknown): number | undefined {
  const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).expires_in_seconds : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < LIFETIME.min || value > LIFETIME.max) {
    throw formParamValueInvalid('expires_in_seconds', `expires_in_seconds must be an integer between ${LIFETIME.min} and ${LIFETIME.max}.`);
  }
  return value;
}

/** Template names are "a unique identifier for the template". */
function assertNameFree(state: BapiState, name: string, exceptId?: string): void {
  const taken = [...state.templates.values()].some((t) => t.name === name && t.id !== exceptId);
  if (taken) throw formIdentifierExists('name', `A JWT template with the name '${name}' already exists.`);
}

function templateById(state: BapiState, id: string): JwtTemplateRecord {
  const template = state.templates.get(id);
  if (template === undefined) throw resourceNotFound(`No JWT template exists with id: ${id}`);
  return template;
}

function sessionById(state: BapiState, id: string): ClerkDoubleSession {
  const session = state.sessions.get(id);
  if (session === undefined) throw resourceNotFound(`No session was found with id ${id}`);
  return session;
}

/**
 * The session a token may be minted for. One that is no longer active answers like an unknown one: 404
 * `resource_not_found` "No session was found with id …", which is what Clerk's Frontend API gives `getToken()` for a
 * session ended in another tab; the operation's documented responses are 401 and 404 only.
 */
function activeSession(state: BapiState, id: string): ClerkDoubleSession {
  const session = sessionById(state, id);
  if (effectiveStatus(session) !== 'active') throw resourceNotFound(`No session was found with id ${id}`);
  return session;
}

/** The `org` shortcode tree of the session's active organization, when it has one and the user is still a member. */
function activeOrganizationTree(state: BapiState, session: ClerkDoubleSession): Record<string, Record<string, unknown>> | undefined {
  const orgId = session.lastActiveOrganizationId;
  const membership = orgId ? state.directory.find(orgId, session.userId) : undefined;
  return membership ? organizationShortcodes(membership, state.directory.organization(membership.organizationId)) : undefined;
}

function userById(state: BapiState, id: string): ClerkDoubleUser {
  const user = state.users.get(id);
  if (user === undefined) throw resourceNotFound(`No user was found with id ${id}`);
  return user;
}

async function templateSigner(state: BapiState, template: JwtTemplateRecord): Promise<TemplateSigner> {
  if (!template.customSigningKey || template.signingKey === null) return { kind: 'instance', key: state.key };
  const key = await importCustomSigningKey(template.signingAlgorithm, template.signingKey);
  return { kind: 'custom', algorithm: template.signingAlgorithm, key };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
