/** The logger's redaction catches secrets that ride along in the usual places. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capturedLogger } from '../support/captured-logger';

describe('logger redaction', () => {
  it('censors credentials, tokens and auth headers', () => {
    const { logger, lines } = capturedLogger();
    logger.info({
      req: { headers: { authorization: 'Bearer admin-token-123', 'webhook-signature': 'v1,c2lnbmF0dXJl', 'x-slack-signature': 'v0=abc123' } },
      credentials: { password: 'hunter2-pass', clientSecret: 'client-secret-456' },
      slack: { botToken: 'xoxb-999-secret', signingSecret: 'sig-secret-789' },
      tenant: { slug: 'acme' },
    }, 'request');
    const text = lines.join('');
    for (const secret of ['admin-token-123', 'c2lnbmF0dXJl', 'abc123', 'hunter2-pass', 'client-secret-456', 'xoxb-999-secret', 'sig-secret-789']) {
      assert.ok(!text.includes(secret), `${secret} leaked`);
    }
    assert.match(text, /acme/, 'non-secret context is kept');
    assert.match(text, /\[redacted\]/);
  });
});
