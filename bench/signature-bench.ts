/**
 * Webhook verification CPU cost: Standard Webhooks verification (header parsing, HMAC over
 * id.timestamp.body, constant-time compare) plus the ServiceNow payload schema, against the bare
 * HMAC-SHA256 of the same body.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { serviceNowWebhookSchema } from '../api/webhooks/servicenow-payload';
import { readWebhookHeaders, signStandardWebhook, standardWebhookKey, verifyStandardSignature } from '../api/webhooks/verify-standard-webhook';
import { compare, type BenchSettings, type Comparison } from './comparison';

export async function signatureBench(settings: BenchSettings): Promise<Comparison[]> {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const key = standardWebhookKey(secret);
  const body = Buffer.from(JSON.stringify({
    table: 'incident', sys_id: randomBytes(16).toString('hex'), number: 'INC0010042', event: 'updated',
    sys_updated_by: 'abel.tuter', sys_updated_on: '2026-11-22 10:00:00', sys_mod_count: '4',
  }));
  const ids = { id: 'msg_bench', timestamp: String(Math.floor(Date.now() / 1000)) };
  const raw = { 'webhook-id': ids.id, 'webhook-timestamp': ids.timestamp, 'webhook-signature': signStandardWebhook(key, ids, body) };
  let sink = 0;
  const result = await compare('webhook verification (CPU)', settings,
    { name: 'raw HMAC-SHA256 of the body', fn: () => { sink ^= createHmac('sha256', key).update(body).digest()[0]!; } },
    {
      name: 'Standard Webhooks verify + payload schema',
      fn: () => {
        const headers = readWebhookHeaders((name) => raw[name as keyof typeof raw]);
        if (!verifyStandardSignature([secret], body, headers)) throw new Error('benchmark signature did not verify');
        sink ^= serviceNowWebhookSchema.parse(JSON.parse(body.toString('utf8'))).sys_id.length;
      },
    });
  if (sink === -1) console.log(sink);
  return [result];
}
