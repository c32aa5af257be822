/**
 * `X-Hub-Signature-256` verification: the known-answer vector of the wire reference (§5), a
 * tampered body, malformed and missing headers, and a delivery from the simulator's sender
 * received over HTTP with the raw body kept.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express from 'express';
import { SIGNATURE_HEADER, verifyGitHubWebhookSignature } from '../../connectors/github/webhook-signature';
import { sendGitHubWebhook } from '../simulators/github';

const VECTOR = {
  secret: "It's a Secret to Everybody",
  body: 'Hello, World!',
  header: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

describe('GitHub webhook signature', () => {
  it('accepts the §5 known-answer vector, as a string and as raw bytes', async () => {
    assert.deepEqual(await verifyGitHubWebhookSignature(VECTOR.secret, VECTOR.body, VECTOR.header), { ok: true });
    assert.deepEqual(await verifyGitHubWebhookSignature(VECTOR.secret, Buffer.from(VECTOR.body, 'utf8'), VECTOR.header), { ok: true });
  });

  it('refuses a tampered body and a wrong secret', async () => {
    assert.deepEqual(await verifyGitHubWebhookSignature(VECTOR.secret, 'Hello, World?', VECTOR.header), { ok: false, reason: 'signature_mismatch' });
    assert.deepEqual(await verifyGitHubWebhookSignature(`${VECTOR.secret}!`, VECTOR.body, VECTOR.header), { ok: false, reason: 'signature_mismatch' });
    assert.deepEqual(await verifyGitHubWebhookSignature(VECTOR.secret, '', VECTOR.header), { ok: false, reason: 'signature_mismatch' });
  });

  it('refuses missing and malformed signatures, including the legacy SHA-1 form', async () => {
    assert.deepEqual(await verifyGitHubWebhookSignature(VECTOR.secret, VECTOR.body, undefined), { ok: false, reason: 'missing_signature' });
    assert.deepEqual(await verifyGitHubWebhookSignature(VECTOR.secret, VECTOR.body, ''), { ok: false, reason: 'missing_signature' });
    for (const header of [
      'sha1=0a4d55a8d778e5022fab701977c5d840bbc486d0',
      VECTOR.header.toUpperCase().replace('SHA256=', 'sha256='),
      VECTOR.header.slice(0, -1),
      `${VECTOR.header} `,
      VECTOR.header.replace('sha256=', ''),
    ]) {
      assert.deepEqual(await verifyGitHubWebhookSignature(VECTOR.secret, VECTOR.body, header), { ok: false, reason: 'malformed_signature' }, header);
    }
  });

  it('treats an empty secret as a configuration error, not as a verdict', async () => {
    await assert.rejects(verifyGitHubWebhookSignature('', VECTOR.body, VECTOR.header), /secret is not configured/);
  });

  it('verifies a delivery from the simulator over HTTP using the raw body', async () => {
    const secret = 'whsec-for-github-test';
    const receiver = express();
    const seen: string[] = [];
    receiver.post('/github', express.raw({ type: 'application/json' }), async (req, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = await verifyGitHubWebhookSignature(secret, raw, req.get(SIGNATURE_HEADER));
      if (!check.ok) {
        res.status(401).json({ error: check.reason });
        return;
      }
      seen.push(`${req.get('x-github-event')}:${req.get('x-github-delivery')}`);
      res.status(202).end();
    });
    const server = receiver.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/github`;
      // Non-ASCII and odd spacing: any re-serialisation of the JSON would break the signature.
      const rawBody = '{"action":"opened",  "pull_request":{"title":"Fix café ☕"},"installation":{"id":7}}';
      const good = await sendGitHubWebhook(url, { secret, event: 'pull_request', rawBody });
      assert.equal(good.status, 202);
      assert.deepEqual(seen, [`pull_request:${good.deliveryId}`]);
      const tampered = await sendGitHubWebhook(url, { secret, event: 'pull_request', rawBody, tamperedBody: rawBody.replace('opened', 'closed') });
      assert.equal(tampered.status, 401);
      assert.match(tampered.text, /signature_mismatch/);
      const wrongSecret = await sendGitHubWebhook(url, { secret: 'not-the-secret', event: 'pull_request', rawBody });
      assert.equal(wrongSecret.status, 401);
      const unsigned = await sendGitHubWebhook(url, { secret, event: 'pull_request', rawBody, signatureOverride: null });
      assert.match(unsigned.text, /missing_signature/);
      assert.equal(seen.length, 1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
