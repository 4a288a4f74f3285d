/**
 * Which resolved addresses a Client ID Metadata Document may be fetched from (pure): public unicast only. An
 * attacker-chosen `client_id` URL must not make the server call its own network (SSRF).
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-client-id-metadata-document#section-6 security
 * @see https://www.rfc-editor.org/rfc/rfc6890 special-purpose address registries
 */
import ipaddr from 'ipaddr.js';

/** ipaddr.js range names that are not the public internet. */
const NON_PUBLIC = new Set([
  'unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'carrierGradeNat', 'private', 'reserved',
  'uniqueLocal', 'ipv4Mapped', 'rfc6145', 'rfc6052', '6to4', 'teredo', 'benchmarking', 'amt', 'as112', 'as112v6',
  'deprecated', 'orchid2', 'droneRemoteIdProtocolEntityTags', 'discard', 'siteLocal',
]);

/** True when `address` is public unicast; IPv4-mapped IPv6 is judged as the IPv4 it carries. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return !NON_PUBLIC.has(parsed.range());
}

/** True for loopback addresses (the dev-only allowance lets these through, nothing else). */
export function isLoopbackAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'loopback';
}
