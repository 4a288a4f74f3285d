/**
 * The Clerk double against Clerk's published Backend API contract, the real `@clerk/backend` client and the real
 * `@clerk/express` middleware.
 */
import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { createClerkClient } from '@clerk/backend';
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import { clerkMiddleware, getAuth } from '@clerk/express';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import express from 'express';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify, type JSONWebKeySet } from 'jose';
import request from 'supertest';
import { parse } from 'yaml';
import type { ClerkDouble } from '../../src/testing/clerk/contract.js';
import { createClerkDouble } from '../../src/testing/clerk/double.js';
import { renderClaims } from '../../src/testing/clerk/shortcodes.js';

/** Clerk's BAPI contract, vendored with its license (`test/vendor/clerk-openapi/`); a missing file fails the suite. */
const SPEC_URL = new URL('../vendor/clerk-openapi/bapi-2026-05-12.yml', import.meta.url);
const SPEC_ID = 'https://clerk-openapi.test/bapi-2026-05-12.json';

type Json = Record<string, any>;

// ajv-formats is CommonJS with `export default` in its types: under NodeNext the default import is the module.
const addFormats = ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ??
  addFormatsPlugin) as unknown as (ajv: Ajv) => Ajv;

/**
 * OpenAPI 3.0 schema → JSON Schema: `nullable: true` becomes `anyOf [null, …]` (Ajv's own `nullable` needs a sibling
 * `type`, which the contract does not always give), and `#/components/…` refs point into the document registered
 * under {@link SPEC_ID}. Other OpenAPI keywords (`example`, `discriminator`, `x-…`) are left to non-strict Ajv.
 */
function toJsonSchema(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const { nullable, ...rest } = schema as Json;
  const out: Json = {};
  for (const [keyword, value] of Object.entries(rest)) {
    if (keyword === '$ref') out[keyword] = String(value).replace(/^#/, `${SPEC_ID}#`);
    else if (keyword === 'properties' || keyword === 'patternProperties') {
      out[keyword] = Object.fromEntries(Object.entries(value as Json).map(([name, sub]) => [name, toJsonSchema(sub)]));
    } else if (keyword === 'items' || keyword === 'additionalProperties' || keyword === 'not') out[keyword] = toJsonSchema(value);
    else if (keyword === 'allOf' || keyword === 'anyOf' || keyword === 'oneOf') out[keyword] = (value as unknown[]).map(toJsonSchema);
    else out[keyword] = value;
  }
  return nullable === true ? { anyOf: [{ type: 'null' }, out] } : out;
}

/** Validates actual responses against the contract's response schema for an operation and status. */
class BapiContract {
  private readonly doc: Json;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(yamlText: string) {
    this.doc = parse(yamlText, { maxAliasCount: -1 }) as Json;
    this.ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
    const schemas = Object.fromEntries(
      Object.entries(this.doc.components.schemas as Json).map(([name, schema]) => [name, toJsonSchema(schema)]),
    );
    this.ajv.addSchema({ $id: SPEC_ID, components: { schemas } });
  }

  /** Asserts status, `Content-Type` and body of `res` against `method path` → `res.status` in the contract. */
  assertResponse(method: string, path: string, res: request.Response): void {
    assert.equal(res.headers['content-type'], 'application/json', 'Clerk answers exactly application/json');
    this.assertBody(this.operationValidator(method, path, res.status), res.body);
  }

  /** Asserts `body` against `components.schemas.<name>`. */
  assertSchema(name: string, body: unknown): void {
    this.assertBody(this.validator(`schema ${name}`, { $ref: `${SPEC_ID}#/components/schemas/${name}` }), body);
  }

  /**
   * The `paginated=true` list shape. The contract's `JWTTemplate.List` is the bare array; the paginated wrapper is
   * the `{ data, total_count }` every other BAPI list response declares (e.g. `Machine.List`) and clerk-sdk-go's
   * `JWTTemplateList` decodes.
   */
  assertPaginatedTemplates(body: unknown): void {
    const schema = {
      type: 'object',
      additionalProperties: false,
      required: ['data', 'total_count'],
      properties: {
        data: { type: 'array', items: { $ref: `${SPEC_ID}#/components/schemas/JWTTemplate` } },
        total_count: { type: 'integer' },
      },
    };
    this.assertBody(this.validator('paginated JWTTemplate list', schema), body);
  }

  private operationValidator(method: string, path: string, status: number): ValidateFunction {
    const operation = this.doc.paths[path]?.[method.toLowerCase()];
    assert.ok(operation, `${method} ${path} is in the contract`);
    let response = operation.responses?.[String(status)];
    assert.ok(response, `the contract lists ${status} for ${method} ${path}`);
    if (response.$ref) response = this.doc.components.responses[String(response.$ref).split('/').pop()!];
    const schema = response.content?.['application/json']?.schema;
    assert.ok(schema, `${method} ${path} ${status} has a JSON schema`);
    return this.validator(`${method} ${path} ${status}`, toJsonSchema(schema));
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile(schema as object);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private assertBody(validate: ValidateFunction, body: unknown): void {
    assert.ok(validate(body), `${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body, null, 2)}`);
  }
}

const RESERVED = ['azp', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub'];
const SESSION_ONLY = ['sid', 'v', 'pla', 'fea', 'fva', 'sts', 'o'];

/** Hosts of every outgoing HTTP request (fetch/undici and node:http), however the caller bound `fetch`. */
function recordOutgoingHosts(): { hosts: string[]; stop(): void } {
  const hosts: string[] = [];
  const onUndici = (message: unknown) => hosts.push(new URL((message as { request: { origin: string } }).request.origin).hostname);
  const onHttp = (message: unknown) => hosts.push((message as { request: { host: string } }).request.host);
  diagnosticsChannel.subscribe('undici:request:create', onUndici);
  diagnosticsChannel.subscribe('http.client.request.start', onHttp);
  return {
    hosts,
    stop() {
      diagnosticsChannel.unsubscribe('undici:request:create', onUndici);
      diagnosticsChannel.unsubscribe('http.client.request.start', onHttp);
    },
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

describe('Clerk double', () => {
  let outgoing: ReturnType<typeof recordOutgoingHosts>;

  before(() => {
    outgoing = recordOutgoingHosts();
  });

  after(() => {
    outgoing.stop();
    assert.ok(outgoing.hosts.length > 0, 'the guard saw the loopback traffic, so it is live');
    const external = outgoing.hosts.filter((host) => !LOOPBACK.has(host));
    assert.deepEqual(external, [], 'no request left loopback');
  });

  describe('createClerkDouble()', () => {
    it('seeds user_test_alice and user_test_bob with verified emails', async () => {
      const double = await createClerkDouble();
      assert.deepEqual(
        [...double.users.values()].map(({ id, firstName, lastName, email, emailVerified }) => ({ id, firstName, lastName, email, emailVerified })),
        [
          { id: 'user_test_alice', firstName: 'Alice', lastName: 'Example', email: 'alice@example.com', emailVerified: true },
          { id: 'user_test_bob', firstName: 'Bob', lastName: 'Example', email: 'bob@example.com', emailVerified: true },
        ],
      );
    });

    it('seedUsers: false starts without users', async () => {
      const double = await createClerkDouble({ seedUsers: false });
      assert.equal(double.users.size, 0);
    });

    it('publishableKey is pk_live_ + base64("<frontend API host>$"); frontendApi is the origin', async () => {
      const double = await createClerkDouble({ frontendApi: 'https://clerk.example.com/', secretKey: 'sk_test_fixed' });
      assert.equal(double.publishableKey, `pk_live_${Buffer.from('clerk.example.com$').toString('base64')}`);
      assert.equal(double.frontendApi, 'https://clerk.example.com');
      assert.equal(double.secretKey, 'sk_test_fixed');
      assert.match(double.jwtKey, /^-----BEGIN PUBLIC KEY-----\n/);
    });

    it('createSession() is active; endSession() ends; revokeSession() revokes', async () => {
      const double = await createClerkDouble();
      const ended = double.createSession('user_test_alice');
      const revoked = double.createSession('user_test_bob');
      assert.match(ended.id, /^sess_[A-Za-z0-9]{27}$/);
      assert.match(ended.clientId, /^client_[A-Za-z0-9]{27}$/);
      assert.equal(ended.status, 'active');
      double.endSession(ended.id);
      double.revokeSession(revoked.id);
      assert.equal(double.sessions.get(ended.id)?.status, 'ended');
      assert.equal(double.sessions.get(revoked.id)?.status, 'revoked');
    });
  });

  describe('BAPI conforms to bapi-2026-05-12.yml', () => {
    let contract: BapiContract;
    let double: ClerkDouble;
    let app: express.Express;
    let auth: string;

    before(() => {
      contract = new BapiContract(readFileSync(SPEC_URL, 'utf8'));
    });

    beforeEach(async () => {
      double = await createClerkDouble();
      app = express().use('/clerk', double.router);
      auth = `Bearer ${double.secretKey}`;
    });

    it('the contract check is not vacuous: it refuses a JWTTemplate without signing_algorithm or with extra members', async () => {
      const res = await createTemplate({ name: 'x', claims: {} }).expect(200);
      const { signing_algorithm, ...missing } = res.body;
      assert.throws(() => contract.assertSchema('JWTTemplate', missing), /signing_algorithm/);
      assert.throws(() => contract.assertSchema('JWTTemplate', { ...res.body, signing_key: 'k' }), /additional properties/);
      assert.throws(() => contract.assertSchema('ClerkErrors', { errors: [{ message: 'm', code: 'c' }] }), /long_message/);
    });

    const createTemplate = (body: Json) => request(app).post('/clerk/v1/jwt_templates').set('Authorization', auth).send(body);

    it('ListJWTTemplates 200: an array, or { data, total_count } with paginated=true; limit and offset apply', async () => {
      for (const name of ['a', 'b', 'c']) await createTemplate({ name, claims: {} }).expect(200);

      const array = await request(app).get('/clerk/v1/jwt_templates').set('Authorization', auth).expect(200);
      contract.assertResponse('GET', '/jwt_templates', array);
      assert.deepEqual(array.body.map((t: Json) => t.name), ['a', 'b', 'c']);

      const page = await request(app)
        .get('/clerk/v1/jwt_templates?paginated=true&limit=1&offset=1')
        .set('Authorization', auth)
        .expect(200);
      contract.assertPaginatedTemplates(page.body);
      assert.deepEqual(page.body.data.map((t: Json) => t.name), ['b']);
      assert.equal(page.body.total_count, 3);
    });

    it('CreateJWTTemplate 200: a JWTTemplate with lifetime 60, allowed_clock_skew 5, RS256 by default', async () => {
      const res = await createTemplate({ name: 'identity', claims: { email: '{{user.primary_email_address}}' } });
      contract.assertResponse('POST', '/jwt_templates', res);
      assert.match(res.body.id, /^jtmp_[A-Za-z0-9]{27}$/);
      assert.deepEqual(
        { ...res.body, id: undefined, created_at: undefined, updated_at: undefined },
        {
          object: 'jwt_template',
          id: undefined,
          name: 'identity',
          claims: { email: '{{user.primary_email_address}}' },
          lifetime: 60,
          allowed_clock_skew: 5,
          custom_signing_key: false,
          signing_algorithm: 'RS256',
          created_at: undefined,
          updated_at: undefined,
        },
      );
      assert.equal(res.body.created_at, res.body.updated_at);
    });

    it('CreateJWTTemplate with a custom HS256 signing key: accepted, the key never answered', async () => {
      const res = await createTemplate({
        name: 'supabase',
        claims: { role: 'authenticated' },
        custom_signing_key: true,
        signing_algorithm: 'HS256',
        signing_key: 'a-shared-secret-of-enough-length',
      });
      contract.assertResponse('POST', '/jwt_templates', res);
      assert.equal(res.body.custom_signing_key, true);
      assert.equal(res.body.signing_algorithm, 'HS256');
      assert.equal('signing_key' in res.body, false);
    });

    it('GetJWTTemplate 200; UpdateJWTTemplate 200 replaces name and claims, keeps lifetime', async () => {
      const created = await createTemplate({ name: 'v1', claims: { a: 1 }, lifetime: 120 });
      const got = await request(app).get(`/clerk/v1/jwt_templates/${created.body.id}`).set('Authorization', auth);
      contract.assertResponse('GET', '/jwt_templates/{template_id}', got);
      assert.deepEqual(got.body, created.body);

      const updated = await request(app)
        .patch(`/clerk/v1/jwt_templates/${created.body.id}`)
        .set('Authorization', auth)
        .send({ name: 'v2', claims: { b: 2 } });
      contract.assertResponse('PATCH', '/jwt_templates/{template_id}', updated);
      assert.equal(updated.body.id, created.body.id);
      assert.equal(updated.body.name, 'v2');
      assert.deepEqual(updated.body.claims, { b: 2 });
      assert.equal(updated.body.lifetime, 120);
    });

    it('DeleteJWTTemplate 200: a DeletedObject; the template is gone (404)', async () => {
      const created = await createTemplate({ name: 'gone', claims: {} });
      const deleted = await request(app).delete(`/clerk/v1/jwt_templates/${created.body.id}`).set('Authorization', auth);
      contract.assertResponse('DELETE', '/jwt_templates/{template_id}', deleted);
      assert.deepEqual(deleted.body, { object: 'jwt_template', id: created.body.id, deleted: true });
      const after = await request(app).get(`/clerk/v1/jwt_templates/${created.body.id}`).set('Authorization', auth);
      contract.assertResponse('GET', '/jwt_templates/{template_id}', after);
      assert.equal(after.status, 404);
    });

    it('GetSession 200: the Session, whose status follows endSession()', async () => {
      const session = double.createSession('user_test_alice');
      const active = await request(app).get(`/clerk/v1/sessions/${session.id}`).set('Authorization', auth);
      contract.assertResponse('GET', '/sessions/{session_id}', active);
      assert.equal(active.body.id, session.id);
      assert.equal(active.body.user_id, 'user_test_alice');
      assert.equal(active.body.client_id, session.clientId);
      assert.equal(active.body.status, 'active');
      double.endSession(session.id);
      const ended = await request(app).get(`/clerk/v1/sessions/${session.id}`).set('Authorization', auth);
      contract.assertResponse('GET', '/sessions/{session_id}', ended);
      assert.equal(ended.body.status, 'ended');
    });

    it('CreateSessionTokenFromTemplate 200 and CreateSessionToken 200: { object: "token", jwt }', async () => {
      const session = double.createSession('user_test_alice');
      await createTemplate({ name: 'identity', claims: {} }).expect(200);
      const fromTemplate = await request(app)
        .post(`/clerk/v1/sessions/${session.id}/tokens/identity`)
        .set('Authorization', auth)
        .send({});
      contract.assertResponse('POST', '/sessions/{session_id}/tokens/{template_name}', fromTemplate);
      assert.equal(fromTemplate.body.object, 'token');
      const plain = await request(app).post(`/clerk/v1/sessions/${session.id}/tokens`).set('Authorization', auth);
      contract.assertResponse('POST', '/sessions/{session_id}/tokens', plain);
      assert.equal(plain.body.object, 'token');
    });

    it('UsersGetOrganizationMemberships 200: the seeded memberships with role, permissions, organization; limit and offset apply', async () => {
      const res = await request(app).get('/clerk/v1/users/user_test_alice/organization_memberships').set('Authorization', auth);
      contract.assertResponse('GET', '/users/{user_id}/organization_memberships', res);
      assert.equal(res.body.total_count, 2);
      const byOrg = Object.fromEntries(res.body.data.map((m: Json) => [(m.organization as Json).id, m]));
      assert.equal(byOrg.org_test_acme.role, 'org:admin');
      assert.ok((byOrg.org_test_acme.permissions as string[]).includes('org:sys_memberships:manage'));
      assert.equal(byOrg.org_test_globex.role, 'org:member');
      assert.deepEqual(byOrg.org_test_globex.permissions, ['org:sys_memberships:read']);
      assert.equal((byOrg.org_test_globex.public_user_data as Json).user_id, 'user_test_alice');
      const page = await request(app).get('/clerk/v1/users/user_test_alice/organization_memberships?limit=1&offset=1').set('Authorization', auth);
      contract.assertResponse('GET', '/users/{user_id}/organization_memberships', page);
      assert.equal(page.body.data.length, 1);
      assert.equal(page.body.total_count, 2);
      const bob = await request(app).get('/clerk/v1/users/user_test_bob/organization_memberships').set('Authorization', auth);
      contract.assertResponse('GET', '/users/{user_id}/organization_memberships', bob);
      assert.deepEqual(bob.body, { data: [], total_count: 0 });
    });

    it('ListOrganizationMemberships 200 filtered by user_id; DeleteOrganizationMembership 200 then 404; setMembershipRole() shows', async () => {
      double.setMembershipRole('org_test_globex', 'user_test_alice', 'org:admin');
      const listed = await request(app).get('/clerk/v1/organizations/org_test_globex/memberships?user_id=user_test_alice').set('Authorization', auth);
      contract.assertResponse('GET', '/organizations/{organization_id}/memberships', listed);
      assert.equal(listed.body.total_count, 1);
      assert.equal(listed.body.data[0].role, 'org:admin');
      const other = await request(app).get('/clerk/v1/organizations/org_test_globex/memberships?user_id=user_test_bob').set('Authorization', auth);
      contract.assertResponse('GET', '/organizations/{organization_id}/memberships', other);
      assert.deepEqual(other.body, { data: [], total_count: 0 });
      const removed = await request(app).delete('/clerk/v1/organizations/org_test_globex/memberships/user_test_alice').set('Authorization', auth);
      contract.assertResponse('DELETE', '/organizations/{organization_id}/memberships/{user_id}', removed);
      assert.equal(removed.body.organization.id, 'org_test_globex');
      const again = await request(app).delete('/clerk/v1/organizations/org_test_globex/memberships/user_test_alice').set('Authorization', auth);
      contract.assertResponse('DELETE', '/organizations/{organization_id}/memberships/{user_id}', again);
      assert.equal(again.status, 404);
    });

    it('setActiveOrganization(): session tokens carry o { id, slg, rol }, templates render {{org.*}}, the Session names it', async () => {
      const session = double.createSession('user_test_alice');
      double.setActiveOrganization(session.id, 'org_test_acme');
      await createTemplate({ name: 'org', claims: { org_id: '{{org.id}}', org_role: '{{org.role}}', org_slug: '{{org.slug}}' } }).expect(200);
      const template = await request(app).post(`/clerk/v1/sessions/${session.id}/tokens/org`).set('Authorization', auth).send({});
      contract.assertResponse('POST', '/sessions/{session_id}/tokens/{template_name}', template);
      const claims = decodeJwt(template.body.jwt);
      assert.deepEqual([claims.org_id, claims.org_role, claims.org_slug], ['org_test_acme', 'org:admin', 'acme']);
      const plain = await request(app).post(`/clerk/v1/sessions/${session.id}/tokens`).set('Authorization', auth);
      assert.deepEqual(decodeJwt(plain.body.jwt).o, { id: 'org_test_acme', slg: 'acme', rol: 'admin' });
      const got = await request(app).get(`/clerk/v1/sessions/${session.id}`).set('Authorization', auth);
      contract.assertResponse('GET', '/sessions/{session_id}', got);
      assert.equal(got.body.last_active_organization_id, 'org_test_acme');
      double.setActiveOrganization(session.id, null);
      assert.equal(decodeJwt(await double.sessionToken(session.id)).o, undefined);
    });

    it('GetUser 200: the User with its verified primary email address', async () => {
      const res = await request(app).get('/clerk/v1/users/user_test_alice').set('Authorization', auth);
      contract.assertResponse('GET', '/users/{user_id}', res);
      assert.equal(res.body.first_name, 'Alice');
      const [email] = res.body.email_addresses;
      assert.equal(res.body.primary_email_address_id, email.id);
      assert.equal(email.email_address, 'alice@example.com');
      assert.equal(email.verification.status, 'verified');
    });

    it('GetJWKS 200: the instance RSA key with kid, alg RS256, use sig', async () => {
      const res = await request(app).get('/clerk/v1/jwks').set('Authorization', auth);
      contract.assertResponse('GET', '/jwks', res);
      assert.equal(res.body.keys.length, 1);
      assert.deepEqual(
        { ...res.body.keys[0], n: undefined },
        { use: 'sig', kty: 'RSA', kid: res.body.keys[0].kid, alg: 'RS256', n: undefined, e: 'AQAB' },
      );
      assert.match(res.body.keys[0].kid, /^ins_/);
    });

    for (const claim of [...RESERVED, ...SESSION_ONLY]) {
      it(`CreateJWTTemplate 400 jwt_template_reserved_claim for "${claim}"`, async () => {
        const res = await createTemplate({ name: 'bad', claims: { email: 'x', [claim]: 'y' } });
        contract.assertResponse('POST', '/jwt_templates', res);
        assert.equal(res.status, 400);
        assert.deepEqual(res.body.errors, [
          {
            message: 'reserved claim used',
            long_message: `You can't use the reserved claim: '${claim}'`,
            code: 'jwt_template_reserved_claim',
            meta: { param_name: 'claims' },
          },
        ]);
      });
    }

    it('UpdateJWTTemplate 400 jwt_template_reserved_claim too; "aud" is not reserved', async () => {
      const created = await createTemplate({ name: 'ok', claims: { aud: 'https://mcp.example.com' } }).expect(200);
      const res = await request(app)
        .patch(`/clerk/v1/jwt_templates/${created.body.id}`)
        .set('Authorization', auth)
        .send({ name: 'ok', claims: { iss: 'https://mcp.example.com' } });
      contract.assertResponse('PATCH', '/jwt_templates/{template_id}', res);
      assert.equal(res.body.errors[0].code, 'jwt_template_reserved_claim');
    });

    it('401 authorization_header_format_invalid without Bearer; 401 clerk_key_invalid for another key', async () => {
      const missing = await request(app).get('/clerk/v1/users/user_test_alice');
      contract.assertResponse('GET', '/users/{user_id}', missing);
      assert.equal(missing.status, 401);
      assert.equal(missing.body.errors[0].code, 'authorization_header_format_invalid');

      const basic = await request(app).get('/clerk/v1/sessions/sess_x').set('Authorization', `Basic ${double.secretKey}`);
      contract.assertResponse('GET', '/sessions/{session_id}', basic);
      assert.equal(basic.body.errors[0].code, 'authorization_header_format_invalid');

      const wrong = await request(app).get('/clerk/v1/users/user_test_alice').set('Authorization', 'Bearer sk_test_other');
      contract.assertResponse('GET', '/users/{user_id}', wrong);
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.errors[0].code, 'clerk_key_invalid');

      const jwks = await request(app).get('/clerk/v1/jwks');
      assert.equal(jwks.status, 401);
      contract.assertSchema('ClerkErrors', jwks.body);
    });

    it('404 resource_not_found for an unknown template, session, user, template name and any other /v1 path', async () => {
      const session = double.createSession('user_test_alice');
      const cases: [string, string, string, () => request.Test][] = [
        ['GET', '/jwt_templates/{template_id}', 'No JWT template exists with id: jtmp_nope', () =>
          request(app).get('/clerk/v1/jwt_templates/jtmp_nope')],
        ['DELETE', '/jwt_templates/{template_id}', 'No JWT template exists with id: jtmp_nope', () =>
          request(app).delete('/clerk/v1/jwt_templates/jtmp_nope')],
        ['GET', '/sessions/{session_id}', 'No session was found with id sess_nope', () =>
          request(app).get('/clerk/v1/sessions/sess_nope')],
        ['GET', '/users/{user_id}', 'No user was found with id user_nope', () =>
          request(app).get('/clerk/v1/users/user_nope')],
        ['POST', '/sessions/{session_id}/tokens/{template_name}', 'No session was found with id sess_nope', () =>
          request(app).post('/clerk/v1/sessions/sess_nope/tokens/identity')],
        ['POST', '/sessions/{session_id}/tokens/{template_name}', 'No JWT template exists with name: nope', () =>
          request(app).post(`/clerk/v1/sessions/${session.id}/tokens/nope`)],
      ];
      for (const [method, path, longMessage, send] of cases) {
        const res = await send().set('Authorization', auth);
        contract.assertResponse(method, path, res);
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.equal(res.body.errors[0].code, 'resource_not_found');
        assert.equal(res.body.errors[0].long_message, longMessage);
      }

      for (const [method, path] of [['GET', '/v1/organizations'], ['PUT', '/v1/jwt_templates'], ['GET', '/v1']] as const) {
        const res = await request(app)[method === 'GET' ? 'get' : 'put'](`/clerk${path}`).set('Authorization', auth);
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.equal(res.headers['content-type'], 'application/json');
        contract.assertSchema('ClerkErrors', res.body);
        assert.equal(res.body.errors[0].code, 'resource_not_found');
      }
    });

    it('422 form_param_missing when name or claims is missing, on create and on update', async () => {
      for (const [body, param] of [[{ claims: {} }, 'name'], [{ name: 'x' }, 'claims'], [{ name: '', claims: {} }, 'name']] as const) {
        const res = await createTemplate(body);
        contract.assertResponse('POST', '/jwt_templates', res);
        assert.equal(res.status, 422);
        assert.deepEqual(res.body.errors[0], {
          message: 'is missing',
          long_message: `${param} must be included.`,
          code: 'form_param_missing',
          meta: { param_name: param },
        });
      }
      const created = await createTemplate({ name: 'x', claims: {} }).expect(200);
      const res = await request(app).patch(`/clerk/v1/jwt_templates/${created.body.id}`).set('Authorization', auth).send({ name: 'x' });
      contract.assertResponse('PATCH', '/jwt_templates/{template_id}', res);
      assert.equal(res.status, 422);
      assert.equal(res.body.errors[0].code, 'form_param_missing');
    });

    it('422 form_param_value_invalid for lifetime outside 30..315360000 and allowed_clock_skew outside 0..300', async () => {
      const bad: [string, unknown][] = [
        ['lifetime', 29], ['lifetime', 315_360_001], ['lifetime', 60.5], ['lifetime', '60'],
        ['allowed_clock_skew', -1], ['allowed_clock_skew', 301],
      ];
      for (const [param, value] of bad) {
        const res = await createTemplate({ name: 'x', claims: {}, [param]: value });
        contract.assertResponse('POST', '/jwt_templates', res);
        assert.equal(res.status, 422, `${param}: ${value}`);
        assert.equal(res.body.errors[0].code, 'form_param_value_invalid');
        assert.equal(res.body.errors[0].meta.param_name, param);
      }
      const edges = await createTemplate({ name: 'x', claims: {}, lifetime: 30, allowed_clock_skew: 300 });
      contract.assertResponse('POST', '/jwt_templates', edges);
      assert.equal(edges.status, 200);
    });

    it('422 form_identifier_exists for a name another template has (create and update)', async () => {
      await createTemplate({ name: 'taken', claims: {} }).expect(200);
      const duplicate = await createTemplate({ name: 'taken', claims: {} });
      contract.assertResponse('POST', '/jwt_templates', duplicate);
      assert.equal(duplicate.status, 422);
      assert.equal(duplicate.body.errors[0].code, 'form_identifier_exists');
      assert.equal(duplicate.body.errors[0].meta.param_name, 'name');

      const other = await createTemplate({ name: 'other', claims: {} }).expect(200);
      const renamed = await request(app)
        .patch(`/clerk/v1/jwt_templates/${other.body.id}`)
        .set('Authorization', auth)
        .send({ name: 'taken', claims: {} });
      contract.assertResponse('PATCH', '/jwt_templates/{template_id}', renamed);
      assert.equal(renamed.status, 422);
      const same = await request(app)
        .patch(`/clerk/v1/jwt_templates/${other.body.id}`)
        .set('Authorization', auth)
        .send({ name: 'other', claims: { a: 1 } });
      assert.equal(same.status, 200);
    });

    it('failNextRequest() answers the next write with the given 402 ClerkErrors, once; reads pass', async () => {
      double.failNextRequest!({
        status: 402,
        code: 'unsupported_subscription_plan_features',
        message: 'Unsupported plan features',
        longMessage: 'Some features are not supported in your current plan. Upgrade your subscription to unlock them.',
      });
      await request(app).get('/clerk/v1/jwt_templates').set('Authorization', auth).expect(200);
      const refused = await createTemplate({ name: 'x', claims: {} });
      contract.assertResponse('POST', '/jwt_templates', refused);
      assert.equal(refused.status, 402);
      assert.equal(refused.body.errors[0].code, 'unsupported_subscription_plan_features');
      await createTemplate({ name: 'x', claims: {} }).expect(200);
    });

    it('400 request_body_invalid for a body that is not JSON', async () => {
      const res = await request(app)
        .post('/clerk/v1/jwt_templates')
        .set('Authorization', auth)
        .set('Content-Type', 'application/json')
        .send('{"name":');
      contract.assertResponse('POST', '/jwt_templates', res);
      assert.equal(res.status, 400);
      assert.equal(res.body.errors[0].code, 'request_body_invalid');
    });

    it('records every request answered in double.requests, paths below the mount point', async () => {
      await createTemplate({ name: 'x', claims: { a: 1 } });
      await request(app).get('/clerk/v1/jwt_templates?paginated=true').set('Authorization', auth);
      await request(app).get('/clerk/v1/users/user_nope');
      assert.deepEqual(double.requests, [
        { method: 'POST', path: '/v1/jwt_templates', query: {}, body: { name: 'x', claims: { a: 1 } }, status: 200 },
        { method: 'GET', path: '/v1/jwt_templates', query: { paginated: 'true' }, body: null, status: 200 },
        { method: 'GET', path: '/v1/users/user_nope', query: {}, body: null, status: 401 },
      ]);
    });
  });

  describe('template tokens (POST /v1/sessions/{id}/tokens/{template})', () => {
    let double: ClerkDouble;
    let app: express.Express;
    let auth: string;
    let jwks: ReturnType<typeof createLocalJWKSet>;

    beforeEach(async () => {
      double = await createClerkDouble();
      app = express().use(double.router);
      auth = `Bearer ${double.secretKey}`;
      const keys = await request(app).get('/v1/jwks').set('Authorization', auth).expect(200);
      jwks = createLocalJWKSet(keys.body as JSONWebKeySet);
    });

    async function mint(sessionId: string, template: string, body: Json = {}): Promise<string> {
      const res = await request(app).post(`/v1/sessions/${sessionId}/tokens/${template}`).set('Authorization', auth).send(body).expect(200);
      return res.body.jwt;
    }

    it('renders shortcodes: values keep their JSON type, interpolation prints, fallbacks, dot paths, unknown → null', async () => {
      const carol = double.createUser({
        firstName: 'Carol',
        username: 'carol',
        email: 'carol@example.com',
        imageUrl: 'https://img.example.com/carol.png',
        publicMetadata: { role: 'admin', profile: { interests: ['hiking', 'knitting'] } },
      });
      await request(app)
        .post('/v1/jwt_templates')
        .set('Authorization', auth)
        .send({
          name: 'identity',
          claims: {
            aud: 'https://mcp.example.com',
            version: 1,
            nested: { bar: [1, 2, '{{user.id}}'] },
            user_id: '{{user.id}}',
            given_name: '{{user.first_name}}',
            family_name: '{{user.last_name}}',
            name: '{{user.full_name}}',
            preferred_username: '{{user.username}}',
            email: '{{user.primary_email_address}}',
            email_verified: '{{user.email_verified}}',
            picture: '{{user.image_url}}',
            metadata: '{{user.public_metadata}}',
            role: '{{ user.public_metadata.role }}',
            interests: '{{user.public_metadata.profile.interests}}',
            registered: '{{user.created_at}}',
            greeting: 'Hello {{user.first_name}} {{user.last_name}} ',
            display: "{{user.last_name || 'Anonymous User'}}",
            verified_any: '{{user.phone_number_verified || user.email_verified}}',
            age: '{{user.public_metadata.age || 30}}',
            invalid_shortcode: '{{user.i_dont_exist}}',
          },
        })
        .expect(200);
      const session = double.createSession(carol.id);
      const { payload } = await jwtVerify(await mint(session.id, 'identity'), jwks, { issuer: double.frontendApi });
      const { iss, sub, iat, nbf, exp, jti, ...rendered } = payload;
      assert.deepEqual(rendered, {
        aud: 'https://mcp.example.com',
        version: 1,
        nested: { bar: [1, 2, carol.id] },
        user_id: carol.id,
        given_name: 'Carol',
        family_name: null,
        name: 'Carol',
        preferred_username: 'carol',
        email: 'carol@example.com',
        email_verified: true,
        picture: 'https://img.example.com/carol.png',
        metadata: { role: 'admin', profile: { interests: ['hiking', 'knitting'] } },
        role: 'admin',
        interests: ['hiking', 'knitting'],
        registered: Math.floor(carol.createdAt / 1000),
        greeting: 'Hello Carol null',
        display: 'Anonymous User',
        verified_any: true,
        age: 30,
        invalid_shortcode: null,
      });
    });

    it('default claims: iss = frontendApi, sub, iat, nbf = iat - skew, exp = iat + lifetime, jti; no sid, no azp; header kid + cat', async () => {
      await request(app)
        .post('/v1/jwt_templates')
        .set('Authorization', auth)
        .send({ name: 'short', claims: {}, lifetime: 45, allowed_clock_skew: 7 })
        .expect(200);
      const session = double.createSession('user_test_bob');
      const before = Math.floor(Date.now() / 1000);
      const jwt = await mint(session.id, 'short');
      const after = Math.floor(Date.now() / 1000);
      const { payload, protectedHeader } = await jwtVerify(jwt, jwks, { issuer: double.frontendApi, algorithms: ['RS256'] });
      assert.deepEqual(Object.keys(payload).sort(), ['exp', 'iat', 'iss', 'jti', 'nbf', 'sub']);
      assert.equal(payload.iss, double.frontendApi);
      assert.equal(payload.sub, 'user_test_bob');
      assert.ok(payload.iat! >= before && payload.iat! <= after);
      assert.equal(payload.exp, payload.iat! + 45);
      assert.equal(payload.nbf, payload.iat! - 7);
      assert.match(payload.jti!, /^[0-9a-f]{20}$/);
      const kid = (await request(app).get('/v1/jwks').set('Authorization', auth)).body.keys[0].kid;
      assert.deepEqual(protectedHeader, { alg: 'RS256', kid, typ: 'JWT', cat: 'cl_B7d4PD222AAA' });
    });

    it('expires_in_seconds overrides the lifetime; outside 30..315360000 it is 422 form_param_value_invalid', async () => {
      await request(app).post('/v1/jwt_templates').set('Authorization', auth).send({ name: 't', claims: {} }).expect(200);
      const session = double.createSession('user_test_alice');
      const payload = decodeJwt(await mint(session.id, 't', { expires_in_seconds: 600 }));
      assert.equal(payload.exp, payload.iat! + 600);
      for (const expires_in_seconds of [29, 315_360_001, 'soon']) {
        const res = await request(app).post(`/v1/sessions/${session.id}/tokens/t`).set('Authorization', auth).send({ expires_in_seconds });
        assert.equal(res.status, 422);
        assert.equal(res.body.errors[0].code, 'form_param_value_invalid');
      }
    });

    it('a custom HS256 key signs instead of the instance key (no kid)', async () => {
      const secret = 'a-shared-secret-of-enough-length';
      await request(app)
        .post('/v1/jwt_templates')
        .set('Authorization', auth)
        .send({ name: 'supabase', claims: { role: 'authenticated' }, custom_signing_key: true, signing_algorithm: 'HS256', signing_key: secret })
        .expect(200);
      const session = double.createSession('user_test_alice');
      const jwt = await mint(session.id, 'supabase');
      const { payload, protectedHeader } = await jwtVerify(jwt, new TextEncoder().encode(secret), { issuer: double.frontendApi });
      assert.equal(payload.role, 'authenticated');
      assert.deepEqual(protectedHeader, { alg: 'HS256', typ: 'JWT', cat: 'cl_B7d4PD222AAA' });
    });

    for (const [status, end] of [
      ['ended', (d: ClerkDouble, id: string) => d.endSession(id)],
      ['revoked', (d: ClerkDouble, id: string) => d.revokeSession(id)],
    ] as const) {
      it(`a session that was ${status} gets no token: 404 resource_not_found`, async () => {
        await request(app).post('/v1/jwt_templates').set('Authorization', auth).send({ name: 't', claims: {} }).expect(200);
        const session = double.createSession('user_test_alice');
        end(double, session.id);
        for (const path of [`/v1/sessions/${session.id}/tokens/t`, `/v1/sessions/${session.id}/tokens`]) {
          const res = await request(app).post(path).set('Authorization', auth);
          assert.equal(res.status, 404);
          assert.equal(res.body.errors[0].code, 'resource_not_found');
        }
      });
    }

    it('an active session past expire_at reads as expired and gets no token', async () => {
      await request(app).post('/v1/jwt_templates').set('Authorization', auth).send({ name: 't', claims: {} }).expect(200);
      const session = double.createSession('user_test_alice');
      (double.sessions.get(session.id) as { expireAt: number }).expireAt = Date.now() - 1;
      const got = await request(app).get(`/v1/sessions/${session.id}`).set('Authorization', auth);
      assert.equal(got.body.status, 'expired');
      await request(app).post(`/v1/sessions/${session.id}/tokens/t`).set('Authorization', auth).expect(404);
    });

    it('POST /v1/sessions/{id}/tokens mints a session token: sid, v 2, session cat, 60 s, no azp', async () => {
      const session = double.createSession('user_test_alice');
      const res = await request(app).post(`/v1/sessions/${session.id}/tokens`).set('Authorization', auth).expect(200);
      const { payload, protectedHeader } = await jwtVerify(res.body.jwt, jwks, { issuer: double.frontendApi });
      assert.equal(protectedHeader.cat, 'cl_B7d4PD111AAA');
      assert.equal(payload.sid, session.id);
      assert.equal(payload.sub, 'user_test_alice');
      assert.equal(payload.v, 2);
      assert.equal(payload.exp, payload.iat! + 60);
      assert.equal('azp' in payload, false);
    });
  });

  describe('renderClaims()', () => {
    const context = {
      user: { first_name: 'Maria', last_name: null, email_verified: false, public_metadata: { n: 0, tags: ['a'] } },
    };

    it('"{{a}} {{b}}" interpolates to a trimmed string, printing null as "null" and objects as JSON', () => {
      assert.deepEqual(
        renderClaims({ a: '{{user.last_name}} {{user.first_name}} ', b: 'tags={{user.public_metadata.tags}}' }, context),
        { a: 'null Maria', b: 'tags=["a"]' },
      );
    });

    it('"||" yields the first operand that is neither null nor false, else the last; literals are quoted strings, numbers, booleans', () => {
      assert.deepEqual(
        renderClaims(
          {
            string: "{{ user.last_name || 'Doe' }}",
            pipes: "{{ user.last_name || 'a || b' }}",
            zero: '{{ user.public_metadata.n || 5 }}',
            last: '{{ user.email_verified || user.last_name }}',
            bool: '{{ user.email_verified || true }}',
          },
          context,
        ),
        { string: 'Doe', pipes: 'a || b', zero: 0, last: null, bool: true },
      );
    });

    it('static values pass through; unknown shortcodes and paths through non-objects are null', () => {
      assert.deepEqual(
        renderClaims({ n: 1, b: false, nil: null, s: 'plain', u: '{{org.name}}', deep: '{{user.first_name.length}}' }, context),
        { n: 1, b: false, nil: null, s: 'plain', u: null, deep: null },
      );
    });
  });

  describe('through the real @clerk/backend client', () => {
    let double: ClerkDouble;
    let server: { url: string; close(): Promise<void> };
    let clerk: ReturnType<typeof createClerkClient>;

    before(async () => {
      double = await createClerkDouble();
      server = await double.listen();
      clerk = createClerkClient({ secretKey: double.secretKey, apiUrl: double.apiUrl });
    });

    after(async () => {
      await server.close();
    });

    it('listen() serves on 127.0.0.1 and sets apiUrl', () => {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(double.apiUrl, server.url);
    });

    it('jwtTemplates.create/list/update/delete round-trip', async () => {
      const created = await clerk.jwtTemplates.create({ name: 'identity', claims: { email: '{{user.primary_email_address}}' } });
      assert.equal(created.name, 'identity');
      assert.equal(created.lifetime, 60);
      assert.equal(created.allowedClockSkew, 5);
      const listed = await clerk.jwtTemplates.list();
      assert.equal(listed.totalCount, 1);
      assert.deepEqual(listed.data.map((t) => t.id), [created.id]);
      const updated = await clerk.jwtTemplates.update({ templateId: created.id, name: 'identity', claims: { e: 1 }, lifetime: 300 });
      assert.deepEqual(updated.claims, { e: 1 });
      assert.equal(updated.lifetime, 300);
      assert.equal((await clerk.jwtTemplates.get(created.id)).lifetime, 300);
      const deleted = await clerk.jwtTemplates.delete(created.id);
      assert.equal(deleted.deleted, true);
      assert.equal((await clerk.jwtTemplates.list()).totalCount, 0);
    });

    it('sessions.getSession() and users.getUser()', async () => {
      const session = double.createSession('user_test_alice');
      const got = await clerk.sessions.getSession(session.id);
      assert.equal(got.id, session.id);
      assert.equal(got.userId, 'user_test_alice');
      assert.equal(got.status, 'active');
      const user = await clerk.users.getUser('user_test_alice');
      assert.equal(user.firstName, 'Alice');
      assert.equal(user.primaryEmailAddress?.emailAddress, 'alice@example.com');
      assert.equal(user.primaryEmailAddress?.verification?.status, 'verified');
    });

    it('sessions.getToken(sessionId, template) gives a JWT that verifies against /v1/jwks', async () => {
      await clerk.jwtTemplates.create({ name: 'mcp', claims: { email: '{{user.primary_email_address}}', name: '{{user.full_name}}' } });
      const session = double.createSession('user_test_bob');
      const { jwt } = await clerk.sessions.getToken(session.id, 'mcp');
      const jwks = await clerk.jwks.getJwks();
      const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks as JSONWebKeySet), {
        issuer: double.frontendApi,
        subject: 'user_test_bob',
      });
      assert.equal(payload.email, 'bob@example.com');
      assert.equal(payload.name, 'Bob Example');
      assert.equal(protectedHeader.cat, 'cl_B7d4PD222AAA');
      assert.equal(decodeProtectedHeader(jwt).kid, jwks.keys?.[0]?.kid);
    });

    it('a reserved claim rejects with ClerkAPIResponseError 400 jwt_template_reserved_claim', async () => {
      const error = await clerk.jwtTemplates.create({ name: 'bad', claims: { iss: 'https://mcp.example.com' } }).then(
        () => assert.fail('resolved'),
        (e: unknown) => e,
      );
      assert.ok(isClerkAPIResponseError(error));
      assert.equal(error.status, 400);
      assert.equal(error.errors[0].code, 'jwt_template_reserved_claim');
      assert.equal(error.errors[0].longMessage, "You can't use the reserved claim: 'iss'");
      assert.match(error.clerkTraceId ?? '', /^[0-9a-f]{32}$/);
    });

    it('getToken() for an ended session rejects (404)', async () => {
      await clerk.jwtTemplates.create({ name: 'ended', claims: {} });
      const session = double.createSession('user_test_alice');
      double.endSession(session.id);
      const error = await clerk.sessions.getToken(session.id, 'ended').then(
        () => assert.fail('resolved'),
        (e: unknown) => e,
      );
      assert.ok(isClerkAPIResponseError(error));
      assert.equal(error.status, 404);
    });

    it('a failNextRequest() 402 surfaces as ClerkAPIResponseError 402', async () => {
      double.failNextRequest!({ status: 402, code: 'unsupported_subscription_plan_features', message: 'Unsupported plan features' });
      const error = await clerk.jwtTemplates.create({ name: 'paid', claims: {} }).then(
        () => assert.fail('resolved'),
        (e: unknown) => e,
      );
      assert.ok(isClerkAPIResponseError(error));
      assert.equal(error.status, 402);
      assert.equal(error.errors[0].code, 'unsupported_subscription_plan_features');
    });
  });

  describe('through the real @clerk/express clerkMiddleware (networkless)', () => {
    let double: ClerkDouble;
    let server: { url: string; close(): Promise<void> };
    let app: express.Express;

    before(async () => {
      double = await createClerkDouble();
      server = await double.listen();
      app = express();
      app.use(
        clerkMiddleware({
          publishableKey: double.publishableKey,
          secretKey: double.secretKey,
          jwtKey: double.jwtKey,
          apiUrl: double.apiUrl,
        }),
      );
      app.get('/whoami', (req, res) => {
        const { userId, sessionId } = getAuth(req);
        res.json({ userId, sessionId });
      });
    });

    after(async () => {
      await server.close();
    });

    it('sessionCookie() is "__session=<session JWT>; __client_uat=<secs>" with __client_uat ≤ iat', async () => {
      const session = double.createSession('user_test_alice');
      const cookie = await double.sessionCookie(session.id);
      const match = /^__session=([^;]+); __client_uat=(\d+)$/.exec(cookie);
      assert.ok(match, cookie);
      const payload = decodeJwt(match[1]);
      assert.ok(Number(match[2]) <= payload.iat!);
      // Verified with the PEM `clerkMiddleware({ jwtKey })` gets.
      const { payload: verified, protectedHeader } = await jwtVerify(match[1], await importSPKI(double.jwtKey, 'RS256'), {
        issuer: double.frontendApi,
      });
      assert.equal(protectedHeader.cat, 'cl_B7d4PD111AAA');
      assert.deepEqual(
        { ...verified, iat: 0, nbf: 0, exp: 0, jti: '' },
        {
          azp: 'http://localhost:3000',
          fva: [0, -1],
          sid: session.id,
          sts: 'active',
          v: 2,
          iss: double.frontendApi,
          sub: 'user_test_alice',
          iat: 0,
          nbf: 0,
          exp: 0,
          jti: '',
        },
      );
      assert.equal(verified.exp, verified.iat! + 60);
    });

    it('a request with sessionCookie(id) is signed in as that user and session, with no BAPI call', async () => {
      const session = double.createSession('user_test_bob');
      const before = double.requests.length;
      const res = await request(app).get('/whoami').set('Cookie', await double.sessionCookie(session.id)).expect(200);
      assert.deepEqual(res.body, { userId: 'user_test_bob', sessionId: session.id });
      assert.equal(double.requests.length, before, 'no request reached the double');
    });

    it('a request without a cookie is signed out', async () => {
      const res = await request(app).get('/whoami').expect(200);
      assert.deepEqual(res.body, { userId: null, sessionId: null });
    });

    it("a revoked session's cookie still verifies until it expires: networkless verification cannot see revocation", async () => {
      const session = double.createSession('user_test_alice');
      double.revokeSession(session.id);
      const res = await request(app).get('/whoami').set('Cookie', await double.sessionCookie(session.id)).expect(200);
      assert.deepEqual(res.body, { userId: 'user_test_alice', sessionId: session.id });
    });

    it('a template token in __session is refused as a session token (signed out)', async () => {
      const clerk = createClerkClient({ secretKey: double.secretKey, apiUrl: double.apiUrl });
      await clerk.jwtTemplates.create({ name: 'not-a-session', claims: {} });
      const session = double.createSession('user_test_alice');
      const { jwt } = await clerk.sessions.getToken(session.id, 'not-a-session');
      const res = await request(app).get('/whoami').set('Cookie', `__session=${jwt}; __client_uat=1`).expect(200);
      assert.deepEqual(res.body, { userId: null, sessionId: null });
    });
  });
});
