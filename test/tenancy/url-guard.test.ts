/** Tenant-supplied URLs cannot point Gatehouse at its own network, in any spelling, unless the origin is allow-listed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressRefusal } from '../../tenancy/address-ranges';
import { isAllowedOrigin, parseAllowedOrigins, urlPolicyFromEnv, type UrlPolicy } from '../../tenancy/egress-policy';
import { assertSafeTenantUrl, isPrivateAddress, UnsafeUrlError } from '../../tenancy/url-guard';

/** Resolves every name to one fixed address, so no test depends on real DNS. */
const resolvingTo = (address: string): UrlPolicy['resolve'] => async () => [{ address, family: address.includes(':') ? 6 : 4 }];
const strict: UrlPolicy = { allowedPrivateOrigins: [], resolve: resolvingTo('93.184.216.34') };

describe('tenant URL guard', () => {
  it('refuses plain http, credentials in URLs and junk', async () => {
    await assert.rejects(assertSafeTenantUrl('http://acme.service-now.com', strict), /http is not allowed/);
    await assert.rejects(assertSafeTenantUrl('https://user:pw@acme.service-now.com', strict), /credentials/);
    await assert.rejects(assertSafeTenantUrl('not a url', strict), UnsafeUrlError);
    await assert.rejects(assertSafeTenantUrl('file:///etc/passwd', strict), UnsafeUrlError);
    assert.equal((await assertSafeTenantUrl('https://acme.service-now.com', strict)).hostname, 'acme.service-now.com');
  });

  it('classifies addresses with the reason', () => {
    const expected: Array<[string, string | undefined]> = [
      ['127.0.0.1', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'],
      ['10.1.2.3', 'private'], ['172.20.0.1', 'private'], ['192.168.1.1', 'private'], ['100.64.0.1', 'private'], ['fd00::1', 'private'],
      ['169.254.1.1', 'link-local'], ['fe80::1', 'link-local'], ['224.0.0.1', 'multicast'], ['ff02::1', 'multicast'],
      ['0.0.0.0', 'reserved'], ['::', 'reserved'], ['240.0.0.1', 'reserved'], ['255.255.255.255', 'reserved'], ['2001:db8::1', 'reserved'],
      ['169.254.169.254', 'metadata'], ['fd00:ec2::254', 'metadata'], ['100.100.100.200', 'metadata'], ['::ffff:a9fe:a9fe', 'metadata'],
      ['64:ff9b::7f00:1', 'loopback'], ['2002:0a00:0001::', 'private'],
      ['8.8.8.8', undefined], ['151.101.1.1', undefined], ['2606:4700::1111', undefined], ['::ffff:808:808', undefined],
    ];
    for (const [address, reason] of expected) assert.equal(addressRefusal(address), reason, address);
    assert.equal(isPrivateAddress('127.0.0.1'), true);
  });

  it('refuses every spelling of an internal host on save, naming the reason', async () => {
    const cases: Array<[string, RegExp]> = [
      ['https://2130706433/', /127\.0\.0\.1 is a loopback/],
      ['https://0x7f.0.0.1/', /127\.0\.0\.1 is a loopback/],
      ['https://0177.0.0.1/', /127\.0\.0\.1 is a loopback/],
      ['https://127.1/', /127\.0\.0\.1 is a loopback/],
      ['https://[::ffff:127.0.0.1]/', /::ffff:7f00:1 is a loopback/],
      ['https://[::1]/', /::1 is a loopback/],
      ['https://localhost/', /localhost is a loopback/],
      ['https://localhost./', /localhost is a loopback/],
      ['https://api.localhost/', /loopback/],
      ['https://169.254.169.254/latest/meta-data', /metadata/],
      ['https://[fd00:ec2::254]/', /metadata/],
      ['https://metadata.google.internal/', /metadata/],
      ['https://metadata.google.internal./', /metadata/],
      ['https://10.0.0.1/', /private/],
      ['https://192.168.0.1./', /private/],
      ['https://[fe80::1]/', /link-local/],
      ['https://224.0.0.1/', /multicast/],
      ['https://0.0.0.0/', /reserved/],
    ];
    for (const [url, reason] of cases) await assert.rejects(assertSafeTenantUrl(url, strict), reason, url);
  });

  it('refuses a name that resolves to an internal address, and lets an unresolvable one through to the connect-time check', async () => {
    await assert.rejects(assertSafeTenantUrl('https://evil.example/', { ...strict, resolve: resolvingTo('10.0.0.5') }), /evil\.example resolves to 10\.0\.0\.5, a private address/);
    await assert.rejects(assertSafeTenantUrl('https://evil.example/', { ...strict, resolve: async () => [{ address: '8.8.8.8', family: 4 }, { address: '127.0.0.1', family: 4 }] }), /loopback/);
    const nxdomain: UrlPolicy = { allowedPrivateOrigins: [], resolve: async () => { throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' }); } };
    assert.equal((await assertSafeTenantUrl('https://not-yet.example/', nxdomain)).hostname, 'not-yet.example');
  });

  it('allows listed private origins (port wildcard included) and never metadata', async () => {
    const policy = urlPolicyFromEnv({ GATEHOUSE_ALLOWED_PRIVATE_ORIGINS: 'http://127.0.0.1:*, http://localhost:4010,https://169.254.169.254,http://metadata.google.internal:*' });
    assert.equal((await assertSafeTenantUrl('http://127.0.0.1:4000/api/', policy)).port, '4000');
    assert.equal((await assertSafeTenantUrl('http://2130706433:5000/', policy)).port, '5000');
    assert.equal((await assertSafeTenantUrl('http://localhost:4010/', policy)).port, '4010');
    await assert.rejects(assertSafeTenantUrl('http://localhost:4011/', policy), /http is not allowed/);
    await assert.rejects(assertSafeTenantUrl('https://127.0.0.2/', policy), /loopback/);
    await assert.rejects(assertSafeTenantUrl('https://169.254.169.254/', policy), /metadata/);
    await assert.rejects(assertSafeTenantUrl('http://metadata.google.internal:80/', policy), /metadata/);
    const resolvesToMetadata: UrlPolicy = { ...urlPolicyFromEnv({ GATEHOUSE_ALLOWED_PRIVATE_ORIGINS: 'https://imds.internal.example' }), resolve: resolvingTo('169.254.169.254') };
    await assert.rejects(assertSafeTenantUrl('https://imds.internal.example/', resolvesToMetadata), /metadata/);
  });

  it('parses the allow-list strictly', () => {
    assert.deepEqual(parseAllowedOrigins('http://127.0.0.1:4010, https://[::1]:*,https://sn.corp.example'), [
      { protocol: 'http:', host: '127.0.0.1', port: '4010' },
      { protocol: 'https:', host: '::1', port: undefined },
      { protocol: 'https:', host: 'sn.corp.example', port: '443' },
    ]);
    assert.deepEqual(parseAllowedOrigins(''), []);
    for (const bad of ['127.0.0.1:4010', 'ftp://x', 'http://x/path', 'http://x:port']) assert.throws(() => parseAllowedOrigins(bad), /GATEHOUSE_ALLOWED_PRIVATE_ORIGINS/, bad);
    const policy = { allowedPrivateOrigins: parseAllowedOrigins('http://127.0.0.1:80') };
    assert.equal(isAllowedOrigin(policy, 'http:', '127.0.0.1', ''), true);
    assert.equal(isAllowedOrigin(policy, 'https:', '127.0.0.1', '80'), false);
  });
});
