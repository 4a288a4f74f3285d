/**
 * Clerk webhooks that end grants (SPEC §11 "A grant ends when its Clerk session does"): a mountable handler that
 * verifies Clerk's signed deliveries with `@clerk/backend`'s `verifyWebhook` (Svix / Standard Webhooks: HMAC over
 * id, timestamp and the raw body; timestamps outside five minutes refused) and, on `session.ended|removed|revoked`,
 * revokes every grant bound to that session; on `user.deleted`, every grant of that user; on
 * `organizationMembership.deleted` and `organization.deleted`, the org-bound grants concerned. From then on the
 * bearer check refuses their access tokens (it reads the revocation markers on every request, on every instance)
 * and refresh answers `invalid_grant`.
 *
 * Unsigned, forged or stale deliveries: 400, nothing changed. Unknown events: 200, ignored. A delivery id seen
 * before (Svix retries with the same id, and a captured delivery could be replayed within the tolerance): 200,
 * nothing done again, so Svix stops retrying.
 *
 * @see https://clerk.com/docs/guides/development/webhooks/overview Clerk webhooks
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md signature scheme
 */
import express, { type Request as ExpressRequest, type RequestHandler, type Response } from 'express';
import { verifyWebhook } from '@clerk/backend/webhooks';
import { ConfigurationError } from '../config/options.js';
import type { IssuerContext } from '../context.js';
import { OAuthError } from '../errors/oauthError.js';
import { KEYS } from '../grants/grant.js';
import { fromStore } from '../http/errorHandler.js';

export interface ClerkWebhooksOptions {
  /**
   * The endpoint's signing secret (`whsec_…`, Clerk Dashboard → Webhooks → the endpoint → Signing Secret).
   * Default: `CLERK_WEBHOOK_SIGNING_SECRET`, as Clerk's SDKs read it.
   */
  signingSecret?: string;
}

/** The session events after which the session can no longer be used: its grants end. */
const SESSION_ENDED = new Set(['session.ended', 'session.removed', 'session.revoked']);


/**
 * How long a processed delivery id is remembered: the verifier's tolerance (five minutes either side of the
 * signed timestamp), so a delivery replayed within it is recognised; an older one fails verification as stale.
 */
const DELIVERY_MEMORY = 600;

/** Clerk's user payloads can be large (metadata); nothing we act on is, but an ignored event must still verify. */
const BODY_LIMIT = '1mb';

export interface ClerkWebhookOutcome {
  received: true;
  /** Grants that were live and are now revoked. */
  grantsEnded?: number;
  /** The event is not one that ends grants. */
  ignored?: true;
  /** This delivery id was processed before. */
  duplicate?: true;
}

/** The signature headers, under Svix's names (what Clerk sends) or Standard Webhooks' `webhook-*` names. */
function signatureHeaders(req: ExpressRequest): Headers {
  const headers = new Headers();
  for (const part of ['id', 'timestamp', 'signature']) {
    const value = req.get(`svix-${part}`) ?? req.get(`webhook-${part}`);
    if (value !== undefined) headers.set(`svix-${part}`, value);
  }
  return headers;
}

/** Why verification failed, in words that carry no secret, id or payload. */
function refusal(headers: Headers, cause: unknown): OAuthError {
  const message = (cause as Error)?.message ?? '';
  const description = !headers.has('svix-id') || !headers.has('svix-timestamp') || !headers.has('svix-signature')
    ? 'the webhook is not signed (svix-id, svix-timestamp and svix-signature are required)'
    : /timestamp/i.test(message)
      ? 'the webhook timestamp is outside the tolerance'
      : 'the webhook signature does not verify';
  return new OAuthError('invalid_request', { description, cause });
}

const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function send(res: Response, error: OAuthError): void {
  res.status(error.status).set(error.headers).json(error.toJSON());
}

/**
 * The handler to mount on a POST route of your choosing, before any JSON body parser (the signature covers
 * the raw body): `app.post('/webhooks/clerk', issuer.clerkWebhooks())`.
 */
export function clerkWebhooks(ctx: Pick<IssuerContext, 'store' | 'grantIndex' | 'logger'>, options: ClerkWebhooksOptions = {}): RequestHandler {
  const signingSecret = options.signingSecret ?? process.env.CLERK_WEBHOOK_SIGNING_SECRET;
  if (!signingSecret) {
    throw new ConfigurationError(
      'clerkWebhooks() needs the endpoint signing secret: set CLERK_WEBHOOK_SIGNING_SECRET (Clerk Dashboard → Webhooks → your endpoint → Signing Secret) or pass { signingSecret }',
    );
  }
  const rawBody = express.raw({ type: () => true, limit: BODY_LIMIT });

  async function apply(type: string, data: Record<string, unknown>): Promise<ClerkWebhookOutcome> {
    const id = typeof data.id === 'string' && data.id !== '' ? data.id : undefined;
    if (SESSION_ENDED.has(type) && id) return { received: true, grantsEnded: await ctx.grantIndex.endSession(id) };
    if (type === 'user.deleted' && id) return { received: true, grantsEnded: await ctx.grantIndex.endUser(id) };
    // Org-bound grants (option `organizations`, SPEC §11): a deleted membership ends that user's grants for the
    // organization; a deleted organization ends every grant acting for it.
    if (type === 'organizationMembership.deleted') {
      const orgId = textOf((data.organization as Record<string, unknown> | undefined)?.id);
      const userId = textOf((data.public_user_data as Record<string, unknown> | undefined)?.user_id);
      if (orgId && userId) return { received: true, grantsEnded: await ctx.grantIndex.endMembership(orgId, userId) };
    }
    if (type === 'organization.deleted' && id) return { received: true, grantsEnded: await ctx.grantIndex.endOrganization(id) };
    return { received: true, ignored: true };
  }

  async function handle(req: ExpressRequest, res: Response): Promise<void> {
    if (!Buffer.isBuffer(req.body)) {
      // A JSON parser ran first: the exact bytes that were signed are gone, so nothing can be verified.
      ctx.logger.error('clerk webhook: the body was parsed before clerkWebhooks(); mount it before express.json()');
      return send(res, new OAuthError('server_error', { description: 'the webhook endpoint is misconfigured' }));
    }
    const headers = signatureHeaders(req);
    let event;
    try {
      event = await verifyWebhook(new Request('http://webhook.invalid/', { method: 'POST', headers, body: new Uint8Array(req.body) }), { signingSecret });
    } catch (cause) {
      const error = refusal(headers, cause);
      ctx.logger.warn('clerk webhook refused', { reason: error.description });
      return send(res, error);
    }
    const delivery = KEYS.webhookDelivery(headers.get('svix-id')!);
    if (!(await ctx.store.putIfAbsent(delivery, { at: Math.floor(Date.now() / 1000) }, DELIVERY_MEMORY))) {
      res.status(200).json({ received: true, duplicate: true } satisfies ClerkWebhookOutcome);
      return;
    }
    let outcome: ClerkWebhookOutcome;
    try {
      outcome = await apply(event.type, (event.data ?? {}) as unknown as Record<string, unknown>);
    } catch (error) {
      // Not done: forget the id so Svix's retry of this delivery is processed.
      await ctx.store.delete(delivery).catch(() => undefined);
      throw error;
    }
    ctx.logger.info('clerk webhook', { type: event.type, ...(outcome.grantsEnded !== undefined ? { grantsEnded: outcome.grantsEnded } : { ignored: true }) });
    res.status(200).json(outcome);
  }

  return (req, res) => {
    if (req.method !== 'POST') {
      return send(res, new OAuthError('method_not_allowed', { description: 'use POST', headers: { Allow: 'POST' } }));
    }
    rawBody(req, res, (parseError?: unknown) => {
      if (parseError) {
        const tooLarge = (parseError as { status?: number }).status === 413;
        return send(res, new OAuthError('invalid_request', { status: tooLarge ? 413 : 400, description: tooLarge ? 'request body too large' : 'malformed request' }));
      }
      handle(req, res).catch((error: unknown) => {
        const unavailable = fromStore(error);
        if (unavailable) {
          // Svix retries non-2xx deliveries with backoff: nothing is lost while the store is down.
          ctx.logger.warn('clerk webhook: grant store unavailable', { error: unavailable.error });
          return send(res, unavailable);
        }
        ctx.logger.error('unexpected error in the clerk webhook endpoint', { message: (error as Error)?.message, stack: (error as Error)?.stack });
        send(res, new OAuthError('server_error', { description: 'internal error' }));
      });
    });
  };
}
