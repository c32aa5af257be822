/**
 * Encrypted Temporal payloads, end to end on the time-skipping server: the raw history of a
 * triage run holds none of the incident's text, while the codec endpoint decodes it for an
 * authenticated caller (as the Temporal Web UI would) and refuses everyone else.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { temporal } from '@temporalio/proto';
import { ENCRYPTED_ENCODING } from '../../temporal/payload-codec';
import { useTimeSkippingHarness } from '../support/harness-suite';

type ProtoPayload = temporal.api.common.v1.IPayload;
interface WirePayload { metadata: Record<string, string>; data: string }

/**
 * Every payload in the history, except search attributes (plain by design: tenant, status,
 * incident number). `bookkeeping` collects the SDK's own local-activity marker data (activity
 * type, attempt, timestamps), which the SDK core writes without going through the codec.
 */
function payloadsOf(node: unknown, found: { encoded: ProtoPayload[]; bookkeeping: ProtoPayload[] }, path: string[] = []) {
  if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return found;
  const record = node as Record<string, unknown>;
  if (record.data instanceof Uint8Array && record.metadata && typeof record.metadata === 'object') {
    const marker = path.includes('markerRecordedEventAttributes') && path.includes('details') && path.includes('data');
    (marker ? found.bookkeeping : found.encoded).push(record as ProtoPayload);
    return found;
  }
  for (const [key, value] of Object.entries(record)) if (key !== 'searchAttributes') payloadsOf(value, found, [...path, key]);
  return found;
}

const toWire = (p: ProtoPayload): WirePayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});
const utf8 = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

describe('encrypted payloads and the codec endpoint', { concurrency: false }, () => {
  const ctx = useTimeSkippingHarness({ timeoutSeconds: 3600, rateLimiter: false });
  const description = 'Zanzibar printer spooler on fire 7f3q';
  let wire: WirePayload[] = [];

  const codec = (path: string, init: { body?: unknown; headers?: Record<string, string>; method?: string } = {}) =>
    fetch(`${ctx.h.runtime.apiUrl}/codec/${path}`, {
      method: init.method ?? 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': ctx.env.namespace ?? 'default', ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const bearer = () => ({ authorization: `Bearer ${ctx.h.adminToken}` });

  it('the raw history of a triage run holds none of the incident text, only encrypted payloads', async () => {
    const { h, env } = ctx;
    const incident = h.createVpnIncident({ short_description: `VPN: ${description}` });
    const sent = await h.webhook(h.incidentEvent(incident));
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const workflowId = String(sent.body.workflowId);
    const state = await h.waitForStatus(workflowId, 'awaiting_approval');
    assert.ok(JSON.stringify(state).includes(description), 'the client decodes what the worker encrypted');

    const { history } = await env.client.workflowService.getWorkflowExecutionHistory({ namespace: env.namespace ?? 'default', execution: { workflowId } });
    assert.ok(history?.events?.length);
    const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    assert.ok(!raw.includes(description), 'the incident text is nowhere in the raw history');

    const { encoded: payloads, bookkeeping } = payloadsOf(history.events, { encoded: [], bookkeeping: [] });
    assert.ok(payloads.length >= 3, `payloads found: ${payloads.length}`);
    for (const payload of payloads) assert.equal(Buffer.from(payload.metadata?.encoding ?? new Uint8Array()).toString(), ENCRYPTED_ENCODING);
    for (const payload of [...payloads, ...bookkeeping]) {
      const bytes = Buffer.from(payload.data ?? new Uint8Array());
      assert.ok(!bytes.includes(description) && !bytes.includes(incident.number), 'no payload carries the incident text or number in the clear');
    }
    wire = payloads.map(toWire);
  });

  it('the codec endpoint decodes them for an authenticated caller', async () => {
    const res = await codec('decode', { body: { payloads: wire }, headers: bearer() });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { payloads: WirePayload[] };
    assert.equal(body.payloads.length, wire.length);
    assert.ok(body.payloads.some((p) => utf8(p.data).includes(description)), 'the decoded payloads hold the incident text');
    assert.ok(body.payloads.every((p) => utf8(p.metadata.encoding ?? '') !== ENCRYPTED_ENCODING));

    // And encode → decode is the identity the UI relies on when it sends data back.
    const plain = body.payloads.slice(0, 2);
    const encoded = (await (await codec('encode', { body: { payloads: plain }, headers: bearer() })).json()) as { payloads: WirePayload[] };
    assert.ok(encoded.payloads.every((p) => utf8(p.metadata.encoding ?? '') === ENCRYPTED_ENCODING));
    const again = (await (await codec('decode', { body: encoded, headers: bearer() })).json()) as { payloads: WirePayload[] };
    assert.deepEqual(again.payloads, plain);
  });

  it('refuses callers without a valid token, other namespaces and tampered payloads', async () => {
    assert.equal((await codec('decode', { body: { payloads: wire } })).status, 401);
    assert.equal((await codec('decode', { body: { payloads: wire }, headers: { authorization: 'Bearer not-the-token' } })).status, 401);
    // A browser on the UI's origin without a token is refused too: the local-UI exception is off here.
    assert.equal((await codec('decode', { body: { payloads: wire }, headers: { origin: 'http://localhost:8233' } })).status, 401);
    assert.equal((await codec('decode', { body: { payloads: wire }, headers: { ...bearer(), 'x-namespace': 'someone-else' } })).status, 403);
    const first = wire[0]!;
    const data = Buffer.from(first.data, 'base64');
    data[data.length - 1] = data[data.length - 1]! ^ 0xff;
    const tampered = await codec('decode', { body: { payloads: [{ ...first, data: data.toString('base64') }] }, headers: bearer() });
    assert.equal(tampered.status, 400);
    const error = (await tampered.json()) as { error: { code: string; message: string } };
    assert.equal(error.error.code, 'decrypt_failed');
    assert.ok(!ctx.h.logLines.some((line) => line.includes(description)), 'no payload content in the logs');
  });

  it('answers the Temporal UI preflight from its origin with the CORS headers, and no other origin', async () => {
    const preflight = await codec('decode', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:8233', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:8233');
    assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /content-type/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /x-namespace/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);

    const decoded = await codec('decode', { body: { payloads: wire.slice(0, 1) }, headers: { ...bearer(), origin: 'http://localhost:8233' } });
    assert.equal(decoded.status, 200);
    assert.equal(decoded.headers.get('access-control-allow-origin'), 'http://localhost:8233');

    const foreign = await codec('decode', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });
});
