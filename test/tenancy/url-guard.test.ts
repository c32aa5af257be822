/** Tenant-supplied URLs cannot point Gatehouse at its own network unless development mode says so. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertSafeTenantUrl, checkUrlShape, isPrivateAddress, UnsafeUrlError } from '../../tenancy/url-guard';

const strict = { allowInsecure: false };
const dev = { allowInsecure: true };

describe('tenant URL guard', () => {
  it('refuses plain http, credentials in URLs and junk', () => {
    assert.throws(() => checkUrlShape('http://acme.service-now.com', strict), UnsafeUrlError);
    assert.throws(() => checkUrlShape('https://user:pw@acme.service-now.com', strict), /credentials/);
    assert.throws(() => checkUrlShape('not a url', strict), UnsafeUrlError);
    assert.throws(() => checkUrlShape('file:///etc/passwd', dev), UnsafeUrlError);
    assert.equal(checkUrlShape('https://acme.service-now.com', strict).hostname, 'acme.service-now.com');
  });

  it('knows private, loopback, link-local and mapped addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0', '100.64.0.1']) {
      assert.equal(isPrivateAddress(a), true, a);
    }
    for (const a of ['8.8.8.8', '151.101.1.1', '2606:4700::1111']) assert.equal(isPrivateAddress(a), false, a);
  });

  it('refuses hosts that are or resolve to loopback/private addresses', async () => {
    await assert.rejects(assertSafeTenantUrl('https://127.0.0.1:8443/', strict), /private or loopback/);
    await assert.rejects(assertSafeTenantUrl('https://[::1]/', strict), /private or loopback/);
    await assert.rejects(assertSafeTenantUrl('https://localhost/', strict), /private or loopback|does not resolve/);
    await assert.rejects(assertSafeTenantUrl('https://169.254.169.254/latest/meta-data', strict), /private or loopback/);
  });

  it('allows the local simulators only in development mode', async () => {
    assert.equal((await assertSafeTenantUrl('http://127.0.0.1:4000/api/', dev)).port, '4000');
  });
});
