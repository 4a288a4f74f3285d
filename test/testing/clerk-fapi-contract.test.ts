/**
 * The double's Frontend API handshake against Clerk's published FAPI contract (`GET /v1/client/handshake`, vendored
 * under `test/vendor/clerk-openapi/`): every answer has a status the contract lists, a 307 carries the payload the
 * way `@clerk/backend` reads it, and refusals are `ClerkErrors` bodies.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import express from 'express';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { parse } from 'yaml';
import { createClerkDouble } from '../../src/testing/clerk/double.js';

const SPEC = parse(readFileSync(new URL('../vendor/clerk-openapi/fapi-2026-05-12.yml', import.meta.url), 'utf8'), { maxAliasCount: -1 }) as Record<string, any>;
const operation = SPEC.paths['/v1/client/handshake'].get;
const schemas = SPEC.components.schemas;
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'fapi', components: { schemas: { ClerkError: schemas.ClerkError, ClerkErrors: JSON.parse(JSON.stringify(schemas.ClerkErrors).replaceAll('"#/components', '"fapi#/components')) } } });
const clerkErrors = ajv.compile({ $ref: 'fapi#/components/schemas/ClerkErrors' });

function assertContract(res: request.Response): void {
  assert.ok(Object.keys(operation.responses).includes(String(res.status)), `status ${res.status} is one the contract lists`);
  if (res.status === 307) return assert.ok(res.headers.location, '307 carries Location');
  assert.equal(res.headers['content-type'], 'application/json');
  assert.ok(clerkErrors(res.body), JSON.stringify(clerkErrors.errors));
}

describe('Clerk double: Frontend API handshake against the FAPI contract', () => {
  it('the contract names the parameters the double reads (redirect_url, format token|nonce)', () => {
    const names = operation.parameters.map((p: { name: string }) => p.name);
    assert.ok(names.includes('redirect_url'));
    assert.deepEqual(operation.parameters.find((p: { name: string }) => p.name === 'format').schema.enum, ['nonce', 'token']);
  });

  it('development: 307 back to redirect_url with __clerk_handshake and a new __clerk_db_jwt as query parameters', async () => {
    const double = await createClerkDouble({ instanceType: 'development', frontendApi: 'https://clerk.example.test' });
    const res = await request(express().use(double.frontendApiRouter)).get('/v1/client/handshake').query({ redirect_url: 'http://localhost:3000/authorize?state=x', format: 'nonce', __clerk_hs_reason: 'dev-browser-missing' });
    assertContract(res);
    assert.equal(res.status, 307);
    assert.equal(res.headers['cache-control'], 'no-store');
    const back = new URL(res.headers.location);
    assert.equal(back.origin + back.pathname, 'http://localhost:3000/authorize');
    assert.equal(back.searchParams.get('state'), 'x');
    const directives = decodeJwt(back.searchParams.get('__clerk_handshake')!).handshake as string[];
    const devBrowser = back.searchParams.get('__clerk_db_jwt')!;
    assert.deepEqual(directives.map((d) => d.split(';')[0]), ['__session=', '__client_uat=0', `__clerk_db_jwt=${devBrowser}`]);
  });

  it('production, nonce variant: 307 with the nonce as a cookie on the instance domain; BAPI hands out the directives once', async () => {
    const double = await createClerkDouble({ instanceType: 'production', frontendApi: 'https://clerk.example.test', handshakePayload: 'nonce' });
    const res = await request(express().use(double.frontendApiRouter)).get('/v1/client/handshake').query({ redirect_url: 'https://mcp.example.test/authorize', format: 'nonce' });
    assertContract(res);
    const setCookies = res.headers['set-cookie'] as unknown as string[];
    const nonceCookie = setCookies.find((c) => c.startsWith('__clerk_handshake_nonce='))!;
    assert.match(nonceCookie, /; Domain=example\.test; Secure; SameSite=Lax; HttpOnly; Max-Age=60$/);
    assert.equal(res.headers.location, 'https://mcp.example.test/authorize');
    const nonce = nonceCookie.split(';')[0].split('=')[1];
    const bapi = request(express().use(double.router));
    const first = await bapi.get('/v1/clients/handshake_payload').query({ nonce }).set('Authorization', `Bearer ${double.secretKey}`);
    assert.equal(first.status, 200);
    assert.ok(first.body.directives.some((d: string) => d.startsWith('__client_uat=0; Path=/; Domain=example.test')));
    const again = await bapi.get('/v1/clients/handshake_payload').query({ nonce }).set('Authorization', `Bearer ${double.secretKey}`);
    assert.equal(again.status, 404);
  });

  it('refusals are ClerkErrors: no redirect_url (422), a redirect outside the production domain (422), an unknown format (422)', async () => {
    const double = await createClerkDouble({ instanceType: 'production', frontendApi: 'https://clerk.example.test' });
    const app = express().use(double.frontendApiRouter);
    for (const query of [{}, { redirect_url: 'https://evil.test/' }, { redirect_url: 'https://mcp.example.test/', format: 'jwt' }]) {
      const res = await request(app).get('/v1/client/handshake').query(query);
      assertContract(res);
      assert.equal(res.status, 422);
    }
  });
});
