/**
 * The HTML shell of the kit's pages (consent, errors): plain forms that work without JavaScript, no
 * third-party resources, and headers that keep them out of frames and caches.
 */
import type { Response } from 'express';

/** Security headers of every page: no framing (clickjacking), no scripts, no caching, no referrer leak. */
export function setPageHeaders(res: Response): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  // No form-action: Chrome applies it to the redirect after the consent POST, which goes to the client.
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'none'; base-uri 'none'");
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

const STYLE = `
  :root { color-scheme: light dark; }
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f4f5f7; color: #1b1f24; }
  main { max-width: 28rem; margin: 4rem auto; background: #fff; border-radius: 12px; padding: 2rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  h1 { font-size: 1.35rem; margin: 0 0 1rem; }
  p { margin: .5rem 0; }
  .muted { color: #5b6470; font-size: .9rem; }
  ul.scopes { padding-left: 1.2rem; }
  ul.scopes li { margin: .35rem 0; }
  code { background: #eef0f3; padding: .05rem .3rem; border-radius: 4px; font-size: .9em; }
  .actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
  button { flex: 1; font: inherit; padding: .6rem 1rem; border-radius: 8px; border: 1px solid #c5cad1; background: #fff; cursor: pointer; }
  button.primary { background: #2f5bea; border-color: #2f5bea; color: #fff; }
  /* Grey on blue is unreadable: secondary text inside a primary button keeps the button's light text. */
  button.primary .muted { color: #dfe6fd; }
  fieldset.organizations { border: 1px solid #c5cad1; border-radius: 8px; margin: 1rem 0 0; padding: .5rem 1rem; }
  fieldset.organizations ul { list-style: none; padding: 0; margin: .25rem 0; }
  fieldset.organizations li { margin: .35rem 0; }
  .error { border-left: 4px solid #c62828; padding-left: .75rem; }
  .notice { border-left: 4px solid #b7791f; padding-left: .75rem; }
  a { color: #2f5bea; }
  @media (prefers-color-scheme: dark) {
    body { background: #111418; color: #e6e8eb; } main { background: #1b1f24; } .muted { color: #9aa4af; }
    code { background: #2a3038; } button { background: #262c33; color: #e6e8eb; border-color: #3a424c; } a { color: #8fb0ff; }
  }`;

/** A complete document around `body` (already escaped by the caller); `style` adds a page's own rules. */
export function renderPage(title: string, body: string, style = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title><style>${STYLE}${style}</style></head>
<body><main>${body}</main></body></html>`;
}
