/**
 * The connect-time half of the egress guard: the address checked is the one the socket connects
 * to, so a name that changes its answer after the save-time check, or a redirect to an internal
 * address, is refused before any byte leaves.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { generateKeyPairSync } from 'node:crypto';
import { GitHubClient } from '../../connectors/github/client';
import { ungated } from '../../connectors/framework/call-gate';
import { GatedWebClient } from '../../connectors/slack/gated-web-client';
import { ServiceNowApiError } from '../../connectors/servicenow/errors';
import { ServiceNowClient } from '../../connectors/servicenow/client';
import { parseAllowedOrigins, type Resolver, type UrlPolicy } from '../../tenancy/egress-policy';
import { EgressRefusedError, guardedFetch } from '../../tenancy/guarded-fetch';
import { assertSafeTenantUrl } from '../../tenancy/url-guard';

interface Counted { server: Server; port: number; hits: () => number }

/** A local HTTP server that counts connections (not requests: a refused connect must never reach it). */
async function countedServer(handle: (url: string) => { status: number; location?: string }): Promise<Counted> {
  let connections = 0;
  const server = createServer((req, res) => {
    const { status, location } = handle(req.url ?? '/');
    res.writeHead(status, location ? { location } : { 'content-type': 'application/json' });
    res.end(location ? '' : '{"result":{}}');
  });
  server.on('connection', () => { connections += 1; });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, hits: () => connections };
}

/** Answers with each address in turn (the last one from then on): DNS that rebinds between check and use. */
function rebinding(...answers: string[]): Resolver {
  let i = 0;
  return async () => [{ address: answers[Math.min(i++, answers.length - 1)] ?? '', family: 4 }];
}

function causeOf(err: unknown): unknown {
  return err instanceof Error ? err.cause : undefined;
}

describe('guarded fetch (connect-time egress check)', () => {
  let inside: Counted;
  let front: Counted;
  before(async () => {
    inside = await countedServer(() => ({ status: 200 }));
    front = await countedServer((url) => ({
      status: 302,
      location: url === '/to-literal' ? `http://127.0.0.1:${inside.port}/`
        : url === '/to-metadata' ? 'http://169.254.169.254/latest/meta-data/'
          : `https://inside.example:${inside.port}/`,
    }));
  });
  after(() => {
    inside.server.close();
    front.server.close();
  });

  it('refuses a name that resolved to a public address on save and to loopback at connect time (real ServiceNow client)', async () => {
    const policy: UrlPolicy = { allowedPrivateOrigins: [], resolve: rebinding('93.184.216.34', '127.0.0.1') };
    const url = `https://rebind.example:${inside.port}`;
    await assertSafeTenantUrl(url, policy);
    const client = new ServiceNowClient(url, { kind: 'basic', username: 'u', password: 'p' }, undefined, guardedFetch(policy));
    await assert.rejects(client.getIncident('abc'), (err: unknown) => {
      assert.ok(err instanceof ServiceNowApiError);
      assert.equal(err.code, 'egress_refused');
      assert.equal(err.retryable, false, 'a refused address is a setting to correct, not an outage to retry');
      assert.match(err.message, /rebind\.example resolves to 127\.0\.0\.1, a loopback address/);
      return true;
    });
    assert.equal(inside.hits(), 0);
  });

  it('refuses the rebound name through the Slack and GitHub clients too', async () => {
    const policy: UrlPolicy = { allowedPrivateOrigins: [], resolve: rebinding('127.0.0.1') };
    const slack = new GatedWebClient('xoxb-test', { slackApiUrl: `https://rebind.example:${inside.port}/api/`, retryConfig: { retries: 0 }, fetch: guardedFetch(policy) }, ungated);
    await assert.rejects(slack.auth.test(), (err: unknown) => {
      // The SDK wraps fetch's error as `original`; the refusal is that error's cause.
      const original = err instanceof Error && 'original' in err ? err.original : undefined;
      assert.ok(causeOf(original) instanceof EgressRefusedError);
      assert.match(String((causeOf(original) as Error).message), /rebind\.example resolves to 127\.0\.0\.1, a loopback address/);
      return true;
    });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const github = new GitHubClient({
      appId: 1, installationId: 1, baseUrl: `https://rebind.example:${inside.port}`, fetch: guardedFetch(policy),
      privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    });
    await assert.rejects(github.requestAsApp('GET /app'), /loopback address/);
    assert.equal(inside.hits(), 0);
  });

  it('does not follow a redirect to a private address, literal or by name', async () => {
    const policy: UrlPolicy = {
      allowedPrivateOrigins: parseAllowedOrigins(`http://127.0.0.1:${front.port}`),
      resolve: rebinding('127.0.0.1'),
    };
    const fetchGuarded = guardedFetch(policy);
    for (const path of ['/to-literal', '/to-name']) {
      await assert.rejects(fetchGuarded(`http://127.0.0.1:${front.port}${path}`), (err: unknown) => {
        assert.ok(causeOf(err) instanceof EgressRefusedError, path);
        assert.match(String((causeOf(err) as Error).message), /loopback/);
        return true;
      });
    }
    assert.ok(front.hits() >= 1, 'the allowed origin itself was reached');
    assert.equal(inside.hits(), 0);
  });

  it('refuses a redirect to the metadata address', async () => {
    const policy: UrlPolicy = { allowedPrivateOrigins: parseAllowedOrigins(`http://127.0.0.1:${front.port}`) };
    await assert.rejects(guardedFetch(policy)(`http://127.0.0.1:${front.port}/to-metadata`), (err: unknown) => {
      assert.match(String((causeOf(err) as Error).message), /169\.254\.169\.254 is a metadata address/);
      return true;
    });
  });

  it('refuses the metadata address even when its origin is listed', async () => {
    const policy: UrlPolicy = { allowedPrivateOrigins: parseAllowedOrigins('http://169.254.169.254:*,http://imds.example:*'), resolve: rebinding('169.254.169.254') };
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://imds.example/latest/meta-data/']) {
      await assert.rejects(guardedFetch(policy)(url), (err: unknown) => {
        assert.ok(causeOf(err) instanceof EgressRefusedError, url);
        assert.match(String((causeOf(err) as Error).message), /metadata address/);
        return true;
      });
    }
  });

  it('connects to an allow-listed private origin', async () => {
    const policy: UrlPolicy = { allowedPrivateOrigins: parseAllowedOrigins('http://127.0.0.1:*') };
    const response = await guardedFetch(policy)(`http://127.0.0.1:${inside.port}/`);
    assert.equal(response.status, 200);
    await response.text();
  });
});
