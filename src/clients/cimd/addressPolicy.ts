/**
 * Which resolved addresses a Client ID Metadata Document may be fetched from (pure): public unicast only. An
 * attacker-chosen `client_id` URL must not make the server call its own network (SSRF).
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-client-id-metadata-document#section-6 security
 * @see https://www.rfc-editor.org/rfc/rfc6890 special-purpose address registries
 */
import ipaddr from 'ipaddr.js';

/** The address as ipaddr.js sees it, IPv4-mapped IPv6 judged as the IPv4 it carries. */
function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!ipaddr.isValid(address)) return undefined;
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
}

/**
 * True when `address` is public unicast. An allow-list (ipaddr.js's `unicast` range), not a deny-list, so a
 * special-purpose range it does not name is refused too; IPv4-compatible IPv6 (`::/96`, e.g. `::7f00:1`)
 * and local-use NAT64 (`64:ff9b:1::/48`) are refused explicitly because ipaddr.js calls them unicast.
 */
export function isPublicAddress(address: string): boolean {
  const parsed = parse(address);
  if (!parsed || parsed.range() !== 'unicast') return false;
  if (parsed.kind() === 'ipv6') {
    const ip = parsed as ipaddr.IPv6;
    if (ip.match(ipaddr.IPv6.parse('::'), 96) || ip.match(ipaddr.IPv6.parse('64:ff9b:1::'), 48)) return false;
  }
  return true;
}

/** True for loopback addresses (the dev-only allowance lets these through, nothing else). */
export function isLoopbackAddress(address: string): boolean {
  return parse(address)?.range() === 'loopback';
}
