import { describe, expect, it } from 'vitest';
import { blockedAddressReason, internalHostReason, isLoopbackAddress } from './internal-host.ts';

describe('blockedAddressReason (addresses as DNS returns them)', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['::1', /loopback/],
    ['0:0:0:0:0:0:0:1', /loopback/],
    ['::ffff:127.0.0.1', /IPv4-mapped loopback/],
    ['0:0:0:0:0:ffff:127.0.0.1', /IPv4-mapped loopback/],
    ['::ffff:7f00:1', /IPv4-mapped loopback/],
    ['::ffff:a9fe:a9fe', /IPv4-mapped link-local/],
    ['::127.0.0.1', /IPv4-compatible/],
    ['64:ff9b::10.0.0.1', /NAT64 private/],
    ['2002:0a00:0001::1', /6to4 private/],
    ['FE80::1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['febf::1', /link-local/],
    ['fc00::', /unique local/],
    ['fdff:ffff::1', /unique local/],
    ['ff02::fb', /multicast/],
    ['::', /unspecified/],
    ['0.0.0.0', /unspecified/],
    ['10.255.255.255', /private/],
    ['100.127.255.255', /CGNAT/],
    ['169.254.169.254', /cloud metadata/],
    ['192.0.2.1', /documentation/],
    ['198.19.0.1', /benchmarking/],
    ['239.255.255.250', /multicast/],
    ['255.255.255.255', /reserved/],
    ['not-an-ip', /not an IP address/],
    ['1:2:3:4:5:6:7:8:9', /not an IP address/],
    ['300.1.1.1', /not an IP address/],
  ])('%s is refused', (address, why) => {
    expect(blockedAddressReason(address)).toMatch(why);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.167.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4007:80e::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2001:4860::8888',
  ])('%s is public', (address) => {
    expect(blockedAddressReason(address)).toBeUndefined();
  });

  it('tells loopback apart (the only range a test may allow)', () => {
    expect(isLoopbackAddress('127.0.0.2')).toBe(true);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('10.0.0.1')).toBe(false);
    expect(isLoopbackAddress('::')).toBe(false);
  });
});

describe('internalHostReason (hosts as WHATWG URL gives them)', () => {
  it.each([
    'localhost',
    'LocalHost.',
    'a.b.localhost',
    'metadata.google.internal',
    'x.internal',
    'nas.local',
    'router.lan',
    'intranet',
    'host.home.arpa',
    '1.2.3.4.5',
  ])('%s is refused', (host) => {
    expect(internalHostReason(host)).toBeDefined();
  });

  it.each([
    'huggingface.co',
    'github.com',
    'objects.githubusercontent.com',
    'images.cocodataset.org',
    'localhost.example.com',
    'internal.example.org',
  ])('%s is public', (host) => {
    expect(internalHostReason(host)).toBeUndefined();
  });
});
