/**
 * The stand-in's webhook deliveries: what Clerk (through Svix) sends to a webhook endpoint when a session ends,
 * signed the same way — Standard Webhooks' HMAC-SHA256 over `id.timestamp.body` with the `whsec_` secret's
 * bytes, sent with Svix's `svix-id`, `svix-timestamp`, `svix-signature` headers — so the kit's real verifier
 * (`verifyWebhook` from `@clerk/backend`) checks them exactly as it checks Clerk's.
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { ClerkDoubleSession } from '../clerk/contract.js';

export interface DevWebhookOptions {
  /** The app's webhook endpoint, e.g. `http://localhost:3000/webhooks/clerk`. */
  url: string;
  /** The same `whsec_…` secret the endpoint verifies with. */
  signingSecret: string;
}

/** A session as Clerk's webhook payloads carry it (`SessionWebhookEventJSON`, snake_case, ms timestamps). */
function sessionJson(session: ClerkDoubleSession): Record<string, unknown> {
  return {
    object: 'session',
    id: session.id,
    user_id: session.userId,
    client_id: session.clientId,
    status: session.status,
    last_active_at: session.lastActiveAt,
    expire_at: session.expireAt,
    abandon_at: session.expireAt,
    created_at: session.createdAt,
    updated_at: Date.now(),
  };
}

/** Returns a function that delivers `session.<status>` for a session; resolves with the endpoint's status. */
export function sessionWebhookSender(options: DevWebhookOptions): (session: ClerkDoubleSession) => Promise<number> {
  const key = Buffer.from(options.signingSecret.replace(/^whsec_/, ''), 'base64');
  return async (session) => {
    const id = `msg_${randomBytes(16).toString('hex')}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      data: sessionJson(session),
      event_attributes: { http_request: { client_ip: '127.0.0.1', user_agent: 'clerk-mcp-issuer dev stand-in' } },
      instance_id: 'ins_dev_stand_in',
      object: 'event',
      timestamp: Date.now(),
      type: `session.${session.status}`,
    });
    const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
    const res = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(timestamp), 'svix-signature': `v1,${signature}` },
      body,
    });
    await res.body?.cancel();
    return res.status;
  };
}
