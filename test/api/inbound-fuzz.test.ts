/**
 * Property-based: whatever arrives at the ServiceNow webhook route or the Slack interactivity
 * route — random bytes, wrong content types, odd or forged signature headers, oversized bodies,
 * odd paths, and correctly signed bodies with odd JSON (NUL and unpaired surrogates in strings
 * and keys, huge numbers, deep nesting, wrong types, Slack payloads Gatehouse does not handle) —
 * the answer is below 500, and a 4xx carries `{error:{code,message}}`. Nothing crashes the
 * process or leaves Bolt waiting for an ack. The seed is fixed (FUZZ_SEED overrides it);
 * fast-check prints it, with the shrunk counterexample, on failure.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { approveActionId, denyActionId, encodeButtonValue, encodeRevertValue, revertActionId } from '../../connectors/slack/action-ids';
import { revertModalCallbackId, revertReasonBlockId } from '../../connectors/slack/revert-modal';
import { slackSignature } from '../simulators/slack';
import { approvers, channelId, integrationUser, teamId } from '../support/harness';
import { useTimeSkippingHarness } from '../support/harness-suite';

const suite = useTimeSkippingHarness();
const seed = Number(process.env.FUZZ_SEED ?? 20_240_917);
/** Where the listeners would answer a relayed click: a closed port, so nothing leaves the machine. */
const deadResponseUrl = 'http://127.0.0.1:9/never';

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

interface Answer {
  status: number;
  text: string;
}

async function deliver(request: Sent): Promise<Answer> {
  const res = await fetch(`${suite.h.runtime.apiUrl}${request.path}`, {
    method: request.method, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }),
  });
  return { status: res.status, text: await res.text() };
}

/** The property: below 500, and every 4xx a JSON error with a code and a reason. */
function assertWellAnswered(request: Sent, answer: Answer): void {
  const label = `${request.method} ${request.path.slice(0, 80)} (${request.headers['content-type'] ?? 'no content type'}) → ${answer.status} ${answer.text.slice(0, 300)}`;
  assert.ok(answer.status < 500, label);
  if (answer.status < 400) return;
  let parsed: unknown;
  assert.doesNotThrow(() => { parsed = JSON.parse(answer.text); }, `a 4xx answers JSON: ${label}`);
  const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
  assert.equal(typeof error?.code, 'string', label);
  assert.ok(String(error?.code).length > 0 && typeof error?.message === 'string' && error.message.length > 0, label);
}

const routeToken = (url: string, pattern: RegExp) => pattern.exec(new URL(url).pathname)?.[1] ?? '';

// ---- building blocks -------------------------------------------------------------------------

/** Text PostgreSQL cannot store, or that is merely unusual. */
const hostileText = fc.oneof(
  fc.constantFrom('\u0000', '\ud800', '\udfff', 'INC\u00000001', 'a\ud800b', '\udc00\ud800', '\uffff', '💥', '', ' ', '\\u0000', '%00'),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ maxLength: 12 }),
);

function nested(depth: number, leaf: unknown): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

/** A JSON value of the wrong kind for any field. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.1),
  fc.array(hostileText, { maxLength: 3 }),
  fc.dictionary(hostileText, hostileText, { maxKeys: 3 }),
  fc.tuple(fc.integer({ min: 1, max: 300 }), hostileText).map(([depth, leaf]) => nested(depth, leaf)),
);

/** Sets (or, for `undefined`, deletes) `path` in `target`, making objects on the way. */
function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (typeof next !== 'object' || next === null) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete at[last];
  else at[last] = value;
}

/** `valid`, with up to three of `paths` deleted or given an odd value (none a third of the time). */
function mutated(valid: fc.Arbitrary<Record<string, unknown>>, paths: ReadonlyArray<readonly string[]>): fc.Arbitrary<Record<string, unknown>> {
  const mutation = fc.tuple(fc.constantFrom(...paths), fc.oneof(fc.constant(undefined), oddValue));
  const mutations = fc.oneof(fc.constant([]), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.array(mutation, { minLength: 1, maxLength: 1 }));
  return fc.tuple(valid, mutations).map(([base, changes]) => {
    const copy = structuredClone(base);
    for (const [path, value] of changes) setPath(copy, path, value);
    return copy;
  });
}

/** Numbers JSON can spell but a double cannot hold, spliced in as raw text. */
const hugeNumber = fc.constantFrom('1e999', '-1e999', '123456789012345678901234567890', '1e-999', '-0', '0.0000000000000000000000001');

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'a/b/c; ===;;', 'application/json; charset=nonsense', '*/*', 'application/jsonx') },
  { weight: 1, arbitrary: fc.stringMatching(/^[\x20-\x7e]{0,40}$/) },
);

/** A header value fetch will send (printable ASCII, no surrounding blanks). */
const headerText = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,60}[\x21-\x7e])?$/);

const randomBody = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  // Over the 256 kB limit.
  { weight: 1, arbitrary: fc.integer({ min: 257 * 1024, max: 300 * 1024 }).map((n) => Buffer.alloc(n, 0x7b)) },
);

function oddTokens(realToken: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(realToken) },
    { weight: 1, arbitrary: fc.constantFrom('', '%ff', '%00', '%', 'acme', '..%2f..', '%E0%A4%A', 'a'.repeat(3000), `${realToken}%ff`) },
    { weight: 1, arbitrary: fc.constant(null).map(() => randomBytes(32).toString('base64url')) },
  );
}

// ---- the ServiceNow route ---------------------------------------------------------------------

function serviceNowRequests(webhookUrl: string, secret: string, sysId: string): fc.Arbitrary<Sent> {
  const token = routeToken(webhookUrl, /\/webhooks\/servicenow\/([^/]+)$/);
  const path = fc.tuple(oddTokens(token), fc.constantFrom('', '', '', '/extra', '?x=1')).map(([t, tail]) => `/webhooks/servicenow/${t}${tail}`);
  const signedPath = fc.oneof({ weight: 9, arbitrary: fc.constant(`/webhooks/servicenow/${token}`) }, { weight: 1, arbitrary: path });

  // A valid event (mostly the integration user's echo, which starts no run), then up to three
  // fields deleted or replaced by odd values.
  const event = mutated(
    fc.constantFrom(integrationUser, integrationUser, 'abel.tuter').map((by) => ({
      table: 'incident', sys_id: sysId, number: 'INC0010001', event: 'updated', sys_updated_on: '2026-01-01 10:00:00', sys_mod_count: '3', sys_updated_by: by,
    })),
    [['table'], ['sys_id'], ['number'], ['event'], ['sys_updated_on'], ['sys_mod_count'], ['sys_updated_by'], ['description'], ['x', 'y']],
  );
  const jsonText = fc.oneof(
    { weight: 5, arbitrary: event.map((e) => JSON.stringify(e)) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('number', 'sys_mod_count', 'sys_id', 'table', 'x'), hugeNumber).map(([field, n]) => `{"table":"incident","sys_id":"${sysId}","sys_updated_by":"${integrationUser}","${field}":${n}}`) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.integer({ min: 60, max: 20_000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '{"table":"incident",}', 'nul', '"\\ud800"', '{"a":"\\u0000"}', '\ufeff{}') },
  );
  const signed = fc.record({ path: signedPath, body: jsonText, type: contentType }).map(({ path: p, body, type }): Sent => {
    const id = `msg_${randomUUID()}`;
    const at = new Date();
    return {
      method: 'POST', path: p, body: Buffer.from(body, 'utf8'),
      headers: {
        'content-type': type, 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign(id, at, body),
      },
    };
  });

  const unsigned = fc.record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    path, type: contentType, body: randomBody,
    id: fc.option(headerText), timestamp: fc.option(fc.oneof(headerText, fc.constantFrom('-1', '0', '1e3', '99999999999999999999', String(Math.floor(Date.now() / 1000))))),
    signature: fc.option(fc.oneof(headerText, fc.constantFrom('v1,', 'v1,AAAA', 'v2,abc v1,', ' v1,x'))),
  }).map(({ method, path: p, type, body, id, timestamp, signature }): Sent => ({
    method, path: p, body: method === 'GET' ? undefined : body,
    headers: {
      'content-type': type,
      ...(id === null ? {} : { 'webhook-id': id }),
      ...(timestamp === null ? {} : { 'webhook-timestamp': timestamp }),
      ...(signature === null ? {} : { 'webhook-signature': signature }),
    },
  }));
  return fc.oneof({ weight: 3, arbitrary: signed }, { weight: 2, arbitrary: unsigned });
}

// ---- the Slack route --------------------------------------------------------------------------

function slackRequests(interactivityUrl: string, secret: string): fc.Arbitrary<Sent> {
  const token = routeToken(interactivityUrl, /\/slack\/([^/]+)\/interactivity$/);
  const path = fc.tuple(oddTokens(token), fc.constantFrom('', '', '', '/extra')).map(([t, tail]) => `/slack/${t}/interactivity${tail}`);
  const signedPath = fc.oneof({ weight: 9, arbitrary: fc.constant(`/slack/${token}/interactivity`) }, { weight: 1, arbitrary: path });

  const runId = fc.constantFrom(`triage-acme-${'0'.repeat(32)}`, 'triage-other-abc', 'nonsense', '');
  // A click Gatehouse handles (relayed to Bolt, answered through a dead response_url), then up
  // to three fields deleted or replaced by odd values.
  const click = fc.tuple(runId, fc.constantFrom(approveActionId, denyActionId, revertActionId), fc.constantFrom(approvers.alice, approvers.bob))
    .map(([w, actionId, user]) => ({
      type: 'block_actions', user: { id: user, team_id: teamId }, team: { id: teamId, domain: 'acme' }, enterprise: null, is_enterprise_install: false,
      trigger_id: '1.2.abc', channel: { id: channelId, name: 'incident-approvals' }, response_url: deadResponseUrl,
      message: { ts: '1.2', text: 'x' }, container: { type: 'message' },
      actions: [{
        type: 'button', action_id: actionId, block_id: 'decision', action_ts: '1700000000.000100',
        value: actionId === revertActionId ? encodeRevertValue({ workflowId: w, runId: randomUUID() }) : encodeButtonValue({ workflowId: w, requestId: 'req-1' }),
      }],
    }));
  const blockActions = mutated(click, [
    ['type'], ['user'], ['user', 'id'], ['team'], ['team', 'id'], ['enterprise'], ['channel'], ['trigger_id'], ['response_url'],
    ['actions'], ['actions', '0'], ['actions', '1'], ['actions', '0', 'type'], ['actions', '0', 'action_id'], ['actions', '0', 'value'],
    ['actions', '0', 'block_id'], ['function_data'], ['response_urls'], ['is_enterprise_install'],
  ]);
  // The revert modal's submission, for runs of this tenant and others, then the same mutations.
  const submission = fc.tuple(runId, fc.constantFrom('routed to the wrong team', 'no', null)).map(([w, reason]) => ({
    type: 'view_submission', user: { id: approvers.alice, team_id: teamId }, team: { id: teamId, domain: 'acme' }, enterprise: null, trigger_id: '1.2.abc',
    view: {
      id: 'V1', type: 'modal', team_id: teamId, callback_id: revertModalCallbackId, private_metadata: JSON.stringify({ w, run: randomUUID(), c: channelId }),
      state: { values: { [revertReasonBlockId]: { [revertReasonBlockId]: { type: 'plain_text_input', value: reason } } } }, hash: '1.x',
    },
    response_urls: [],
  }));
  const viewSubmission = mutated(submission, [
    ['type'], ['user'], ['user', 'id'], ['team'], ['view'], ['view', 'type'], ['view', 'callback_id'], ['view', 'private_metadata'],
    ['view', 'state'], ['view', 'state', 'values'], ['view', 'state', 'values', revertReasonBlockId],
    ['view', 'state', 'values', revertReasonBlockId, revertReasonBlockId, 'value'], ['view', 'app_installed_team_id'], ['response_urls'],
  ]);

  const payloadText = fc.oneof(
    { weight: 4, arbitrary: blockActions.map((p) => JSON.stringify(p)) },
    { weight: 2, arbitrary: viewSubmission.map((p) => JSON.stringify(p)) },
    { weight: 1, arbitrary: fc.constantFrom('null', 'true', '1', '"x"', '[]', '{', '', '{"type":"shortcut"}', '{"type":"block_actions"}', '{"type":"block_actions","actions":null}', '{"type":"url_verification","challenge":"x"}', '{"ssl_check":"1"}') },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
    // Spelled out: JSON.stringify itself would overflow the stack on it.
    { weight: 1, arbitrary: fc.integer({ min: 60, max: 20_000 }).map((d) => `${'{"a":['.repeat(d)}"x"${']}'.repeat(d)}`) },
    { weight: 1, arbitrary: fc.tuple(hugeNumber).map(([n]) => `{"type":"block_actions","actions":[{"type":"button","action_id":"${approveActionId}","value":${n}}]}`) },
  );
  const form = fc.oneof(
    { weight: 6, arbitrary: payloadText.map((p) => new URLSearchParams({ payload: p }).toString()) },
    { weight: 1, arbitrary: payloadText.map((p) => `payload=${encodeURIComponent(p)}&payload=${encodeURIComponent(p)}`) },
    { weight: 1, arbitrary: fc.constantFrom('', 'payload', 'payload=', 'x=1', '%', 'payload=%ZZ', 'ssl_check=1', 'token=x&team_id=T&command=/x') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );
  const formType = fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/x-www-form-urlencoded') },
    { weight: 1, arbitrary: fc.constantFrom('application/x-www-form-urlencoded; charset=utf-8', 'application/json', 'text/plain', 'a/b/c; ===;;') },
  );
  const signed = fc.record({ path: signedPath, body: form, type: formType }).map(({ path: p, body, type }): Sent => {
    const at = Math.floor(Date.now() / 1000);
    return {
      method: 'POST', path: p, body: Buffer.from(body, 'utf8'),
      headers: { 'content-type': type, 'x-slack-request-timestamp': String(at), 'x-slack-signature': slackSignature(secret, at, body) },
    };
  });

  const unsigned = fc.record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'),
    path, type: fc.oneof(formType, contentType), body: randomBody,
    timestamp: fc.option(fc.oneof(headerText, fc.constantFrom('-1', '1e3', '99999999999999999999', String(Math.floor(Date.now() / 1000))))),
    signature: fc.option(fc.oneof(headerText, fc.constantFrom('v0=', `v0=${'0'.repeat(64)}`, `v1=${'a'.repeat(64)}`, `v0=${'A'.repeat(64)}`))),
  }).map(({ method, path: p, type, body, timestamp, signature }): Sent => ({
    method, path: p, body: method === 'GET' ? undefined : body,
    headers: {
      'content-type': type,
      ...(timestamp === null ? {} : { 'x-slack-request-timestamp': timestamp }),
      ...(signature === null ? {} : { 'x-slack-signature': signature }),
    },
  }));
  return fc.oneof({ weight: 3, arbitrary: signed }, { weight: 1, arbitrary: unsigned });
}

// ---- the properties ---------------------------------------------------------------------------

describe('hostile input on the inbound routes', () => {
  const crashes: unknown[] = [];
  const onUnhandled = (err: unknown) => void crashes.push(err);
  let logStart = 0;
  before(() => {
    process.on('unhandledRejection', onUnhandled);
    logStart = suite.h.logLines.length;
  });
  after(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  const run = async (requests: fc.Arbitrary<Sent>, numRuns: number) => {
    await fc.assert(fc.asyncProperty(requests, async (request) => assertWellAnswered(request, await deliver(request))), { numRuns, seed });
  };

  it('the ServiceNow webhook route never answers 5xx', async () => {
    const h = suite.h;
    await run(serviceNowRequests(h.webhookUrl, h.webhookSecret, h.createVpnIncident().sys_id), 150);
  });

  it('the Slack interactivity route never answers 5xx, and refuses before Bolt what Bolt cannot ack', async () => {
    const h = suite.h;
    await run(slackRequests(h.interactivityUrl, h.signingSecret), 150);
  });

  it('left the process running, with nothing unhandled and no unacknowledged Slack request', async () => {
    assert.equal((await fetch(`${suite.h.runtime.apiUrl}/healthz`)).status, 200);
    assert.deepEqual(crashes, []);
    const lines = suite.h.logLines.slice(logStart).join('\n');
    for (const symptom of ['unhandled API error', 'not acknowledged', 'respond is not a function', 'bolt error']) {
      assert.ok(!lines.includes(symptom), `the log shows "${symptom}"`);
    }
  });
});
