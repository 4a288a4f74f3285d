/**
 * The Clerk double as every bench server needs it: the kit's id_token template provisioned (from the shipped
 * `clerk-templates/`, as the tests do) and alice signed in; returns her session's `Cookie` header, valid an hour.
 */
import type { ClerkDouble } from '../../src/testing/clerk/contract.js';
import { provisionTemplate } from '../../test/support/harness.js';

export async function provisionedSignedInCookie(double: ClerkDouble): Promise<string> {
  await provisionTemplate(double);
  const session = double.createSession('user_test_alice');
  return double.sessionCookie(session.id, { lifetime: 3600 });
}
