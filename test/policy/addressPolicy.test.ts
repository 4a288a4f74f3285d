/**
 * The CIMD fetcher's address policy (pure): only public unicast addresses may be fetched.
 */
import assert from 'node:assert/strict';
import { isLoopbackAddress, isPublicAddress } from '../../src/clients/cimd/addressPolicy.js';

describe('isPublicAddress()', () => {
  for (const ip of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
    it(`accepts ${ip}`, () => assert.equal(isPublicAddress(ip), true));
  }
  const refused = [
    '127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.1',
    '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'fec0::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254',
    '::7f00:1', '::a9fe:a9fe', '64:ff9b::7f00:1', '64:ff9b:1::a00:1', '2001:db8::1', '198.18.0.1', 'not-an-ip',
  ];
  for (const ip of refused) {
    it(`refuses ${ip}`, () => assert.equal(isPublicAddress(ip), false));
  }
});

describe('isLoopbackAddress()', () => {
  it('recognises IPv4, IPv6 and mapped loopback', () => {
    for (const ip of ['127.0.0.1', '127.5.6.7', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopbackAddress(ip), true, ip);
    assert.equal(isLoopbackAddress('10.0.0.1'), false);
  });
});
