/**
 * The embedded dev-only Clerk stand-in: the Clerk test double served on the app's own port under a path prefix,
 * with a plain-HTML sign-in page, an organization switcher, seeded users and organizations, and the kit's JWT templates provisioned through the same code
 * path as `clerk-mcp-issuer provision`. It refuses to start with `NODE_ENV=production`.
 */
import { createClerkClient } from '@clerk/backend';
import { Router } from 'express';
import type { ClerkOptions } from '../../config/options.js';
import { listAllTemplates, applyPlan } from '../../templates/clerkTemplates.js';
import { planTemplates } from '../../templates/diff.js';
import { loadTemplates, PACKAGE_TEMPLATES_DIR, templateFilesIn } from '../../templates/load.js';
import type { ClerkDouble } from '../clerk/contract.js';
import { createClerkDouble } from '../clerk/double.js';
import { signInRouter } from './signInPage.js';
import { organizationSwitcherRouter } from './organizationSwitcher.js';
import { sessionWebhookSender, type DevWebhookOptions } from './webhookSender.js';

export interface DevClerkOptions {
  /** The app's public origin, e.g. `http://localhost:3000`. */
  origin: string;
  /** Where the stand-in lives on that origin. Default `/__clerk`; `''` serves it at the root (standalone). */
  prefix?: string;
  /**
   * Standalone (its own port): the sign-in page also returns to other ports of its own host, where the MCP
   * instances run. Its cookies reach them: cookies are scoped to the host, not the port (RFC 6265 §8.5).
   */
  returnToAnyPort?: boolean;
  /** Lifetime of the session cookie's token in seconds (Clerk's is 60 s, refreshed by its browser SDK). Default 8 h. */
  sessionTokenLifetime?: number;
  /**
   * Where to send a signed `session.ended` webhook when a user signs out at `<prefix>/sign-out`, as Clerk does
   * to an endpoint subscribed to it (the app mounts `issuer.clerkWebhooks()` there with the same secret).
   */
  webhook?: DevWebhookOptions;
}

export interface DevClerk {
  double: ClerkDouble;
  /**
   * Mount at the app root: serves `<prefix>/v1/…` (Backend API), `<prefix>/sign-in`, `<prefix>/sign-out`, and
   * `<prefix>/organizations` (switch the session's active organization).
   */
  router: Router;
  /** What `createMcpIssuer({ clerk })` and `clerkMiddleware()` take to run against the stand-in. */
  clerkOptions: Required<Pick<ClerkOptions, 'secretKey' | 'publishableKey' | 'jwtKey' | 'apiUrl' | 'signInUrl'>>;
  /** Signs a user in without the page: the `Cookie` header value a browser would hold. */
  signIn(userId: string): Promise<{ sessionId: string; cookie: string }>;
}

/** Thrown when the stand-in is asked to start in production. */
export class DevClerkInProductionError extends Error {
  constructor() {
    super('clerk-mcp-issuer: the dev Clerk stand-in refuses to run with NODE_ENV=production; set CLERK_SECRET_KEY and the other CLERK_* variables to use Clerk');
  }
}

/** Creates the JWT templates of `clerk-templates/` in the stand-in, as `provision` would in a real instance. */
async function provisionPackageTemplates(double: ClerkDouble): Promise<void> {
  const server = await double.listen();
  try {
    const { templates, issues } = await loadTemplates(await templateFilesIn(PACKAGE_TEMPLATES_DIR));
    if (issues.length > 0) throw new Error(`clerk-templates/ is invalid: ${issues.map((i) => i.message).join('; ')}`);
    const api = createClerkClient({ secretKey: double.secretKey, apiUrl: server.url }).jwtTemplates;
    await applyPlan(api, planTemplates(templates, await listAllTemplates(api)));
  } finally {
    await server.close();
  }
}

export async function createDevClerk(options: DevClerkOptions): Promise<DevClerk> {
  if (process.env.NODE_ENV === 'production') throw new DevClerkInProductionError();
  const origin = options.origin.replace(/\/+$/, '');
  const prefix = options.prefix ?? '/__clerk';
  const lifetime = options.sessionTokenLifetime ?? 8 * 3600;
  const double = await createClerkDouble();
  await provisionPackageTemplates(double);
  double.apiUrl = origin + prefix;

  const signIn = async (userId: string) => {
    const session = double.createSession(userId);
    return { sessionId: session.id, cookie: await double.sessionCookie(session.id, { lifetime }) };
  };

  const router = Router();
  router.use(prefix || '/', double.router);
  const sendWebhook = options.webhook ? sessionWebhookSender(options.webhook) : undefined;
  const sessionEnded = sendWebhook
    ? async (sessionId: string) => {
        const status = await sendWebhook(double.sessions.get(sessionId)!).catch(() => 0);
        // Clerk retries failed deliveries; the stand-in only says so (the grant still ends at its next refresh).
        if (status < 200 || status > 299) process.emitWarning(`dev Clerk stand-in: the session.ended webhook was not accepted (${status || 'unreachable'})`);
      }
    : undefined;
  // Standalone, the sign-in page also returns to the other ports of its host, where the MCP instances run.
  const home = new URL(origin);
  const allowRedirect = options.returnToAnyPort === true ? (url: URL) => url.protocol === home.protocol && url.hostname === home.hostname : undefined;
  router.use(prefix || '/', signInRouter({ double, origin, prefix, signIn, sessionEnded, allowRedirect }));
  // Seeded organizations: Alice belongs to Acme Corp (admin) and Globex (member), Bob to none.
  router.use(prefix || '/', organizationSwitcherRouter({ double, prefix, secure: origin.startsWith('https:'), lifetime }));

  return {
    double,
    router,
    clerkOptions: {
      secretKey: double.secretKey,
      publishableKey: double.publishableKey,
      jwtKey: double.jwtKey,
      apiUrl: double.apiUrl,
      signInUrl: `${origin}${prefix}/sign-in`,
    },
    signIn,
  };
}
