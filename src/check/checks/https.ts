/**
 * Every OAuth URL must be https; http is acceptable only on loopback (where clients offer an "insecure" switch
 * for tests). oauth4webapi and openid-client refuse with "only requests to HTTPS are allowed"; the MCP SDK v2
 * refuses to send credentials to an http token endpoint.
 *
 * @see https://www.ietf.org/archive/id/draft-ietf-oauth-v2-1-13.html#section-1.5 OAuth 2.1 communication security
 */
import { isLoopbackHost } from '../../config/issuerUrls.js';
import { fail, pass, type Finding } from '../finding.js';

export interface NamedUrl {
  name: string;
  url: string;
}

export function checkHttps(urls: readonly NamedUrl[]): Finding {
  const parsed = urls.filter((u) => URL.canParse(u.url)).map((u) => ({ ...u, parsed: new URL(u.url) }));
  const plain = parsed.filter((u) => u.parsed.protocol === 'http:');
  const offLoopback = plain.filter((u) => !isLoopbackHost(u.parsed.hostname));
  if (offLoopback.length > 0) {
    return fail('transport.https', `http off loopback: ${offLoopback.map((u) => `${u.name} ${u.url}`).join(', ')}; oauth4webapi: only requests to HTTPS are allowed`, {
      fix: 'serve every OAuth URL over https (behind a proxy, build the URLs from the public https origin)',
    });
  }
  if (plain.length > 0) return pass('transport.https', `http on loopback only (${plain.length} URL${plain.length > 1 ? 's' : ''}): clients accept it with their insecure-request switch`);
  return pass('transport.https', `${parsed.length} URLs, all https`);
}
