/**
 * A minimal browser for the authorization leg: keeps cookies for the issuer's origin, follows redirects on it,
 * submits the consent form, and stops at the first redirect that leaves the issuer (the client's callback).
 * With `signInAs`, it also answers the dev stand-in's sign-in page (`src/testing/dev/signInPage.ts`) by
 * submitting that user's "Continue as …" form, as a person clicking it would.
 * The real-browser walk (headless Chromium) lives in the example's tests; this one keeps the client-library
 * tests fast and exact about each hop.
 */
export interface Hop {
  method: string;
  url: string;
  status: number;
  location?: string;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>' };
const unescapeHtml = (s: string) => s.replace(/&(amp|quot|#39|lt|gt);/g, (m) => ENTITIES[m]);

/** The hidden fields and action of the page's form. */
export function parseForm(html: string): { action: string; fields: Array<[string, string]> } {
  const action = unescapeHtml(/<form method="post" action="([^"]*)"/.exec(html)?.[1] ?? '');
  const fields = [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(
    (m) => [unescapeHtml(m[1]), unescapeHtml(m[2])] as [string, string],
  );
  return { action, fields };
}

/** The dev stand-in's "Continue as" form for `userId`: its action and its own hidden fields, or undefined. */
export function parseSignInForm(html: string, userId: string): { action: string; fields: Array<[string, string]> } | undefined {
  for (const match of html.matchAll(/<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/g)) {
    const form = parseForm(match[0]);
    if (form.fields.some(([name, value]) => name === 'user_id' && value === userId)) return form;
  }
  return undefined;
}

export class UserAgent {
  readonly cookies = new Map<string, string>();
  readonly hops: Hop[] = [];
  /** The last HTML page seen (consent or error page). */
  lastPage?: { status: number; html: string; headers: Headers };

  /**
   * With organizations on, the organization to pick on the consent page (`''`: the personal account); default
   * the preselected one, as a user who just presses Allow.
   */
  organization?: string;

  /** @param signInAs the Clerk user id to pick on the dev stand-in's sign-in page; without it that page stops the walk. */
  constructor(
    readonly origin: string,
    readonly signInAs?: string,
  ) {}

  setCookieHeader(header: string): void {
    for (const part of header.split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name) this.cookies.set(name, rest.join('='));
    }
  }

  /** The `Cookie` header this browser sends to the issuer's origin. */
  cookieHeader(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }

  async #request(method: string, url: string, body?: URLSearchParams): Promise<Response> {
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        ...(new URL(url).origin === this.origin && this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin } : {}),
      },
      body,
    });
    for (const setCookie of res.headers.getSetCookie()) this.setCookieHeader(setCookie.split(';')[0]);
    this.hops.push({ method, url, status: res.status, location: res.headers.get('location') ?? undefined });
    return res;
  }

  /**
   * Opens an authorization URL and walks until the browser leaves the issuer. `decision` answers a consent
   * page; `'stop'` stops at it. Returns the URL the issuer sent the browser to (or undefined at a page).
   */
  async authorize(url: string, decision: 'allow' | 'deny' | 'stop' = 'allow', maxHops = 10): Promise<URL | undefined> {
    let answered = false;
    let res = await this.#request('GET', url);
    for (let i = 0; i < maxHops; i++) {
      const location = res.headers.get('location');
      if (location) {
        const next = new URL(location, res.url);
        if (next.origin !== this.origin) return next;
        res = await this.#request('GET', next.href);
        continue;
      }
      const html = await res.text();
      this.lastPage = { status: res.status, html, headers: res.headers };
      const signIn = this.signInAs === undefined || res.status !== 200 ? undefined : parseSignInForm(html, this.signInAs);
      if (signIn) {
        res = await this.#request('POST', new URL(signIn.action, this.origin).href, new URLSearchParams(signIn.fields));
        continue;
      }
      if (res.status !== 200 || decision === 'stop' || answered || !html.includes('<form')) return undefined;
      const form = parseForm(html);
      const body = new URLSearchParams(form.fields);
      body.set('decision', decision);
      const preselected = /<input type="radio" name="organization" value="([^"]*)" checked/.exec(html)?.[1];
      const organization = this.organization ?? (preselected === undefined ? undefined : unescapeHtml(preselected));
      if (organization !== undefined) body.set('organization', organization);
      res = await this.#request('POST', new URL(form.action, this.origin).href, body);
      answered = true;
    }
    throw new Error('too many redirects');
  }
}
