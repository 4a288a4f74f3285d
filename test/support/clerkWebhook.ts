/**
 * Clerk webhook deliveries as Clerk (through Svix) sends them, signed by the `standardwebhooks` library — not by
 * the code under test: `svix-id`, `svix-timestamp`, `svix-signature` over the exact body.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A signing secret in Clerk's form (`whsec_` + base64). */
export function webhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export interface Delivery {
  status: number;
  body: unknown;
}

export interface DeliveryOptions {
  secret: string;
  /** The delivery id (`msg_…`); a fresh one unless given (a replay reuses one). */
  id?: string;
  /** When it was signed; default now. */
  at?: Date;
  /** Changes the body after signing (a tampered delivery). */
  tamper?: (body: string) => string;
  /** No signature headers at all. */
  unsigned?: boolean;
}

/** A Clerk event envelope (`object: "event"`), as in Clerk's webhook payloads. */
export function clerkEvent(type: string, data: Record<string, unknown>): Record<string, unknown> {
  return { data, event_attributes: { http_request: { client_ip: '192.0.2.1', user_agent: 'test' } }, instance_id: 'ins_test', object: 'event', timestamp: Date.now(), type };
}

/** The data of a session event in Clerk's shape. */
export function sessionData(sessionId: string, userId: string, status: string): Record<string, unknown> {
  const now = Date.now();
  return { id: sessionId, object: 'session', user_id: userId, client_id: 'client_test', status, abandon_at: now + 864e5, expire_at: now + 864e5, last_active_at: now, created_at: now, updated_at: now };
}

/** POSTs one delivery to `url`; returns status and parsed body. */
export async function deliver(url: string, event: Record<string, unknown>, options: DeliveryOptions): Promise<Delivery & { id: string }> {
  const id = options.id ?? `msg_${randomUUID().replaceAll('-', '')}`;
  const at = options.at ?? new Date();
  const payload = JSON.stringify(event);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!options.unsigned) {
    headers['svix-id'] = id;
    headers['svix-timestamp'] = String(Math.floor(at.getTime() / 1000));
    headers['svix-signature'] = new Webhook(options.secret).sign(id, at, payload);
  }
  const res = await fetch(url, { method: 'POST', headers, body: options.tamper ? options.tamper(payload) : payload });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, id };
}
