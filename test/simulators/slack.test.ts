import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { WebAPIPlatformError, WebAPIRateLimitedError, WebClient } from '@slack/web-api';
import express from 'express';
import { slackSignature, startSlackSimulator, type SlackSimulator } from './slack';

const TOKEN = 'xoxb-acme-token';
const TEAM = 'T0ACME001';
const SIGNING_SECRET = 'test-signing-secret';

const approvalBlocks = [
  { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: '*Approve change CHG001?*' } },
  {
    type: 'actions',
    block_id: 'decision',
    elements: [
      { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: 'req-1:approve' },
      { type: 'button', action_id: 'reject', text: { type: 'plain_text', text: 'Reject' }, style: 'danger', value: 'req-1:reject' },
    ],
  },
];

let sim: SlackSimulator;

/** Fresh simulator per test with one workspace, two users, two channels and one group. */
beforeEach(async () => {
  sim = await startSlackSimulator();
  sim.addWorkspace({ teamId: TEAM, domain: 'acme', botToken: TOKEN, botUserId: 'UBOT1', appId: 'A0GATE' });
  sim.addUser({ id: 'U100', teamId: TEAM, name: 'alice', realName: 'Alice Doe', email: 'alice@acme.test' });
  sim.addUser({ id: 'U200', teamId: TEAM, name: 'bob', deleted: true });
  sim.addChannel({ id: 'C100', teamId: TEAM, name: 'approvals' });
  sim.addChannel({ id: 'C200', teamId: TEAM, name: 'private-ops', botIsMember: false });
  sim.addUserGroup({ id: 'S100', teamId: TEAM, handle: 'oncall', users: ['U100', 'U200'] });
});

afterEach(async () => {
  await sim.close();
});

/** A real WebClient pointed at the simulator; `null` token means "no token at all". */
function client(token: string | null = TOKEN, options: { rejectRateLimitedCalls?: boolean; retries?: number } = {}): WebClient {
  return new WebClient(token ?? undefined, {
    slackApiUrl: sim.apiUrl,
    rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? false,
    retryConfig: { retries: options.retries ?? 0, minTimeout: 10, maxTimeout: 20 },
  });
}

/** Asserts that `promise` rejects with a Slack platform error carrying `code` in data.error. */
async function assertPlatformError(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof WebAPIPlatformError, `expected WebAPIPlatformError, got ${String(err)}`);
    assert.equal(err.data.error, code);
    return true;
  });
}

describe('slackSignature', () => {
  it('matches the Slack documentation known-answer vector', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    assert.equal(
      slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body),
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });
});

describe('Web API via @slack/web-api', () => {
  it('auth.test identifies the workspace and bot', async () => {
    const res = await client().auth.test();
    assert.equal(res.ok, true);
    assert.equal(res.team_id, TEAM);
    assert.equal(res.user_id, 'UBOT1');
    assert.equal(res.url, 'https://acme.slack.com/');
    assert.equal(res.app_id, 'A0GATE');
    assert.match(String(res.bot_id), /^B/);
  });

  it('chat.postMessage stores text and blocks with unique increasing ts', async () => {
    const web = client();
    const first = await web.chat.postMessage({ channel: 'C100', text: 'Approve CHG001?', blocks: approvalBlocks });
    const second = await web.chat.postMessage({ channel: '#approvals', text: 'reminder', thread_ts: String(first.ts) });
    assert.equal(first.channel, 'C100');
    assert.equal(second.channel, 'C100');
    assert.match(String(first.ts), /^\d{10}\.\d{6}$/);
    assert.ok(Number(second.ts) > Number(first.ts), 'ts must increase');
    assert.deepEqual(first.message?.blocks, approvalBlocks);
    assert.equal(first.message?.text, 'Approve CHG001?');

    const stored = sim.messages('C100');
    assert.equal(stored.length, 2);
    assert.deepEqual(stored[0]?.blocks, approvalBlocks, 'blocks arrive as a JSON string in the form body and are decoded');
    assert.equal(stored[0]?.user, 'UBOT1');
    assert.equal(stored[0]?.updatedCount, 0);
    assert.equal(stored[1]?.thread_ts, first.ts);
    assert.deepEqual(sim.messages('C200'), []);
    assert.deepEqual(sim.callCounts(), { 'chat.postMessage': 2 });
  });

  it('chat.postMessage reports channel_not_found, not_in_channel, no_text and invalid_blocks', async () => {
    const web = client();
    await assertPlatformError(web.chat.postMessage({ channel: 'C999', text: 'x' }), 'channel_not_found');
    await assertPlatformError(web.chat.postMessage({ channel: 'C200', text: 'x' }), 'not_in_channel');
    await assertPlatformError(web.chat.postMessage({ channel: 'C100', text: '' }), 'no_text');
    await assertPlatformError(web.apiCall('chat.postMessage', { channel: 'C100', blocks: '{"type":"section"}' }), 'invalid_blocks');
    await assertPlatformError(web.apiCall('chat.postMessage', { channel: 'C100', text: 'x', blocks: 'not json' }), 'invalid_blocks');
    assert.deepEqual(sim.messages(), []);
  });

  it('chat.update replaces content and keeps history; unknown ts is message_not_found', async () => {
    const web = client();
    const posted = await web.chat.postMessage({ channel: 'C100', text: 'Approve?', blocks: approvalBlocks });
    const doneBlocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Approved by <@U100>' } }];
    const updated = await web.chat.update({ channel: 'C100', ts: String(posted.ts), text: 'Approved', blocks: doneBlocks });
    assert.equal(updated.ts, posted.ts);
    assert.equal(updated.text, 'Approved');
    assert.deepEqual(updated.message?.blocks, doneBlocks);

    const [stored] = sim.messages('C100');
    assert.equal(stored?.text, 'Approved');
    assert.deepEqual(stored?.blocks, doneBlocks);
    assert.equal(stored?.updatedCount, 1);
    assert.deepEqual(stored?.history, [{ text: 'Approve?', blocks: approvalBlocks }]);

    await assertPlatformError(web.chat.update({ channel: 'C100', ts: '1234567890.000001', text: 'x' }), 'message_not_found');
  });

  it('chat.postEphemeral records the message for the user', async () => {
    const web = client();
    const res = await web.chat.postEphemeral({ channel: 'C100', user: 'U100', text: 'only you' });
    assert.match(String(res.message_ts), /^\d{10}\.\d{6}$/);
    assert.deepEqual(sim.ephemerals('U100'), [{ channel: 'C100', user: 'U100', text: 'only you', viaResponseUrl: false }]);
    assert.deepEqual(sim.ephemerals('U200'), []);
    await assertPlatformError(web.chat.postEphemeral({ channel: 'C100', user: 'U999', text: 'x' }), 'user_not_found');
  });

  it('users.info, usergroups.users.list and conversations.info answer lookups', async () => {
    const web = client();
    const alice = await web.users.info({ user: 'U100' });
    assert.equal(alice.user?.name, 'alice');
    assert.equal(alice.user?.real_name, 'Alice Doe');
    assert.equal(alice.user?.profile?.email, 'alice@acme.test');
    assert.equal(alice.user?.deleted, false);
    assert.equal((await web.users.info({ user: 'U200' })).user?.deleted, true);
    assert.equal((await web.users.info({ user: 'UBOT1' })).user?.is_bot, true);
    await assertPlatformError(web.users.info({ user: 'U999' }), 'user_not_found');

    const group = await web.usergroups.users.list({ usergroup: 'S100' });
    assert.deepEqual(group.users, ['U100', 'U200']);
    await assertPlatformError(web.usergroups.users.list({ usergroup: 'S999' }), 'no_such_subteam');

    const info = await web.conversations.info({ channel: 'C200' });
    assert.equal(info.channel?.name, 'private-ops');
    assert.equal(info.channel?.is_member, false);
    await assertPlatformError(web.conversations.info({ channel: 'C999' }), 'channel_not_found');
  });

  it('auth failures surface as platform errors: not_authed, invalid_auth, token_revoked', async () => {
    await assertPlatformError(client(null).auth.test(), 'not_authed');
    await assertPlatformError(client('xoxb-nope').auth.test(), 'invalid_auth');
    sim.revokeToken(TOKEN);
    await assertPlatformError(client().chat.postMessage({ channel: 'C100', text: 'x' }), 'token_revoked');
    assert.deepEqual(sim.messages(), []);
  });

  it('rateLimit surfaces as WebAPIRateLimitedError when rejectRateLimitedCalls is set', async () => {
    sim.rateLimit('chat.postMessage', 1, 7);
    await assert.rejects(client(TOKEN, { rejectRateLimitedCalls: true }).chat.postMessage({ channel: 'C100', text: 'x' }), (err: unknown) => {
      assert.ok(err instanceof WebAPIRateLimitedError);
      assert.equal(err.retryAfter, 7);
      return true;
    });
    assert.deepEqual(sim.messages(), []);
    // The fault was consumed: the next call goes through.
    await client().chat.postMessage({ channel: 'C100', text: 'x' });
    assert.equal(sim.messages().length, 1);
  });

  it('a rate-limited call is retried by WebClient after Retry-After', async () => {
    sim.rateLimit('chat.postMessage', 1, 1);
    const started = Date.now();
    const res = await client(TOKEN, { retries: 1 }).chat.postMessage({ channel: 'C100', text: 'after wait' });
    assert.equal(res.ok, true);
    assert.ok(Date.now() - started >= 900, 'client must have waited for Retry-After');
    assert.equal(sim.callCounts()['chat.postMessage'], 2);
    assert.equal(sim.messages().length, 1);
  });

  it('failNext answers ok:false with the given error for exactly count calls', async () => {
    sim.failNext('users.info', 2, 'fatal_error');
    const web = client();
    await assertPlatformError(web.users.info({ user: 'U100' }), 'fatal_error');
    await assertPlatformError(web.users.info({ user: 'U100' }), 'fatal_error');
    assert.equal((await web.users.info({ user: 'U100' })).user?.id, 'U100');
    assert.equal(sim.callCounts()['users.info'], 3);
  });
});

describe('Web API wire format', () => {
  async function rawCall(method: string, init: { headers?: Record<string, string>; body?: string }): Promise<{ status: number; contentType: string | null; retryAfter: string | null; json: Record<string, unknown> }> {
    const res = await fetch(`${sim.apiUrl}${method}`, { method: 'POST', ...init });
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      retryAfter: res.headers.get('retry-after'),
      json: (await res.json()) as Record<string, unknown>,
    };
  }

  it('accepts a token form field and JSON bodies with a Bearer header', async () => {
    const form = await rawCall('chat.postMessage', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: TOKEN, channel: 'C100', text: 'form' }).toString(),
    });
    assert.equal(form.json['ok'], true);
    const json = await rawCall('chat.postMessage', {
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ channel: 'C100', blocks: approvalBlocks }),
    });
    assert.equal(json.json['ok'], true);
    assert.equal(json.contentType, 'application/json; charset=utf-8');
    assert.deepEqual(sim.messages().map((m) => m.text), ['form', '']);
    assert.deepEqual(sim.messages()[1]?.blocks, approvalBlocks);
  });

  it('answers errors with HTTP 200, JSON content type and ok:false', async () => {
    const tokenInJson = await rawCall('auth.test', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: TOKEN }),
    });
    assert.deepEqual([tokenInJson.status, tokenInJson.json['ok'], tokenInJson.json['error']], [200, false, 'not_authed']);
    assert.equal(tokenInJson.contentType, 'application/json; charset=utf-8');

    const unknown = await rawCall('chat.nope', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.deepEqual([unknown.status, unknown.json['error']], [200, 'unknown_method']);
  });

  it('rate limiting answers 429 with Retry-After and a ratelimited body', async () => {
    sim.rateLimit('auth.test', 1, 30);
    const limited = await rawCall('auth.test', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(limited.status, 429);
    assert.equal(limited.retryAfter, '30');
    assert.equal(limited.contentType, 'application/json; charset=utf-8');
    assert.deepEqual(limited.json, { ok: false, error: 'ratelimited' });
    const next = await rawCall('auth.test', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(next.status, 200);
  });
});

describe('click and response_url', () => {
  interface Received {
    payload: Record<string, unknown>;
    contentType: string | undefined;
  }
  let app: Server;
  let interactivityUrl: string;
  let received: Received[];

  /** A minimal app endpoint that verifies Slack's v0 signature itself, like Bolt does. */
  beforeEach(async () => {
    received = [];
    const host = express();
    host.post('/slack/actions', express.raw({ type: '*/*' }), (req, res) => {
      const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      const ts = Number(req.get('x-slack-request-timestamp'));
      if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > 300) {
        res.status(401).send('stale');
        return;
      }
      const expected = Buffer.from(`v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${rawBody}`).digest('hex')}`);
      const given = Buffer.from(req.get('x-slack-signature') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.status(401).send('bad signature');
        return;
      }
      const payload = new URLSearchParams(rawBody).get('payload');
      received.push({ payload: JSON.parse(payload ?? 'null') as Record<string, unknown>, contentType: req.get('content-type') });
      res.status(200).send('');
    });
    app = await new Promise<Server>((resolve) => {
      const s = host.listen(0, '127.0.0.1', () => resolve(s));
    });
    interactivityUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/actions`;
  });

  afterEach(async () => {
    app.closeAllConnections();
    await new Promise<void>((resolve) => app.close(() => resolve()));
  });

  async function postApproval(): Promise<string> {
    const res = await client().chat.postMessage({ channel: 'C100', text: 'Approve CHG001?', blocks: approvalBlocks });
    return String(res.ts);
  }

  it('sends a signed block_actions payload with the real field layout', async () => {
    const ts = await postApproval();
    const result = await sim.click({ interactivityUrl, signingSecret: SIGNING_SECRET, channel: 'C100', ts, actionId: 'approve', userId: 'U100' });
    assert.equal(result.status, 200);
    assert.equal(result.body, '');
    assert.ok(result.elapsedMs >= 0 && result.elapsedMs < 3000);
    assert.equal(received.length, 1);
    assert.equal(received[0]?.contentType, 'application/x-www-form-urlencoded');
    const p = received[0]?.payload ?? {};
    assert.equal(p['type'], 'block_actions');
    assert.deepEqual(p['user'], { id: 'U100', username: 'alice', name: 'alice', team_id: TEAM });
    assert.deepEqual(p['team'], { id: TEAM, domain: 'acme' });
    assert.equal(p['api_app_id'], 'A0GATE');
    assert.equal(typeof p['token'], 'string');
    assert.match(String(p['trigger_id']), /^\d+\.\d+\.[0-9a-f]{32}$/);
    assert.deepEqual(p['container'], { type: 'message', message_ts: ts, channel_id: 'C100', is_ephemeral: false });
    assert.deepEqual(p['channel'], { id: 'C100', name: 'approvals' });
    const message = p['message'] as Record<string, unknown>;
    assert.equal(message['type'], 'message');
    assert.equal(message['ts'], ts);
    assert.equal(message['text'], 'Approve CHG001?');
    assert.deepEqual(message['blocks'], approvalBlocks);
    assert.deepEqual(p['state'], { values: {} });
    assert.ok(String(p['response_url']).startsWith(`${sim.url}/actions/${TEAM}/`));
    const [action] = p['actions'] as Array<Record<string, unknown>>;
    assert.equal(action?.['type'], 'button');
    assert.equal(action?.['action_id'], 'approve');
    assert.equal(action?.['block_id'], 'decision');
    assert.equal(action?.['value'], 'req-1:approve');
    assert.deepEqual(action?.['text'], { type: 'plain_text', text: 'Approve' });
    assert.match(String(action?.['action_ts']), /^\d{10}\.\d{6}$/);
  });

  it('a forged signature or old timestamp is rejected by a verifying app', async () => {
    const ts = await postApproval();
    const base = { interactivityUrl, signingSecret: SIGNING_SECRET, channel: 'C100', ts, actionId: 'approve', userId: 'U100' };
    assert.equal((await sim.click({ ...base, signingSecretOverride: 'wrong-secret' })).status, 401);
    const old = await sim.click({ ...base, timestampOverride: Math.floor(Date.now() / 1000) - 600 });
    assert.equal(old.status, 401);
    assert.equal(old.body, 'stale');
    assert.equal(received.length, 0);
  });

  it('a button removed by chat.update cannot be clicked unless forced', async () => {
    const ts = await postApproval();
    await client().chat.update({ channel: 'C100', ts, text: 'Approved', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Approved' } }] });
    const opts = { interactivityUrl, signingSecret: SIGNING_SECRET, channel: 'C100', ts, actionId: 'approve', userId: 'U100' };
    await assert.rejects(sim.click(opts), /no button with action_id approve/);
    assert.equal(received.length, 0);
    const forced = await sim.click({ ...opts, force: true });
    assert.equal(forced.status, 200);
    const [action] = received[0]?.payload['actions'] as Array<Record<string, unknown>>;
    assert.equal(action?.['action_id'], 'approve');
  });

  it('response_url replaces the original, posts ephemerals, and allows 5 uses', async () => {
    const ts = await postApproval();
    await sim.click({ interactivityUrl, signingSecret: SIGNING_SECRET, channel: 'C100', ts, actionId: 'reject', userId: 'U100' });
    const responseUrl = String(received[0]?.payload['response_url']);
    const send = async (body: Record<string, unknown>): Promise<{ status: number; text: string }> => {
      const res = await fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, text: await res.text() };
    };

    assert.deepEqual(await send({ replace_original: true, text: 'Rejected by alice' }), { status: 200, text: 'ok' });
    const [msg] = sim.messages('C100');
    assert.equal(msg?.text, 'Rejected by alice');
    assert.deepEqual(msg?.blocks, []);
    assert.equal(msg?.updatedCount, 1);
    assert.equal(msg?.history[0]?.text, 'Approve CHG001?');

    assert.equal((await send({ response_type: 'ephemeral', text: 'noted' })).status, 200);
    assert.deepEqual(sim.ephemerals('U100'), [{ channel: 'C100', user: 'U100', text: 'noted', viaResponseUrl: true }]);

    assert.equal((await send({ response_type: 'in_channel', text: 'FYI', thread_ts: ts })).status, 200);
    assert.equal(sim.messages('C100')[1]?.thread_ts, ts);

    assert.equal((await send({ text: 'four' })).status, 200);
    assert.equal((await send({ text: 'five' })).status, 200);
    assert.deepEqual(await send({ text: 'six' }), { status: 404, text: 'used_url' });
    assert.equal(sim.ephemerals('U100').length, 3);
  });

  it('views.open spends a click\'s trigger_id once, within 3 s; the submission is signed and the answer settles the modal', async () => {
    const ts = await postApproval();
    const modal = {
      type: 'modal' as const, callback_id: 'why', private_metadata: 'ctx-1', title: { type: 'plain_text' as const, text: 'Why?' },
      submit: { type: 'plain_text' as const, text: 'Send' },
      blocks: [{ type: 'input', block_id: 'reason', label: { type: 'plain_text', text: 'Reason' }, element: { type: 'plain_text_input', action_id: 'reason' } }],
    };
    const triggerOf = (request: { body: string }) => String((JSON.parse(new URLSearchParams(request.body).get('payload')!) as { trigger_id: string }).trigger_id);
    const click = () => sim.clickRequest({ interactivityUrl, signingSecret: SIGNING_SECRET, channel: 'C100', ts, actionId: 'approve', userId: 'U100' });

    const trigger = triggerOf(click());
    const opened = await client().views.open({ trigger_id: trigger, view: modal });
    assert.equal(opened.view?.callback_id, 'why');
    await assertPlatformError(client().views.open({ trigger_id: trigger, view: modal }), 'invalid_trigger_id');
    await assertPlatformError(client().views.open({ trigger_id: 'made-up', view: modal }), 'invalid_trigger_id');
    await assertPlatformError(client().views.open({ trigger_id: triggerOf(click()), view: { ...modal, submit: undefined } }), 'invalid_arguments');
    const late = triggerOf(click());
    await new Promise((r) => setTimeout(r, 3_100));
    await assertPlatformError(client().views.open({ trigger_id: late, view: modal }), 'expired_trigger_id');

    const [view] = sim.views('U100');
    assert.equal(view?.privateMetadata, 'ctx-1');
    const answer = await sim.submitView({ interactivityUrl, signingSecret: SIGNING_SECRET, viewId: view!.id, values: { reason: { reason: 'because' } } });
    assert.equal(answer.status, 200);
    const submitted = received.at(-1)!.payload as { type: string; user: { id: string }; view: { id: string; private_metadata: string; state: { values: Record<string, Record<string, { value: string }>> } } };
    assert.equal(submitted.type, 'view_submission');
    assert.equal(submitted.user.id, 'U100');
    assert.equal(submitted.view.private_metadata, 'ctx-1');
    assert.equal(submitted.view.state.values['reason']!['reason']!.value, 'because');
    assert.equal(sim.views('U100')[0]!.closed, true, 'an empty 200 closes the modal');
    await assert.rejects(sim.submitView({ interactivityUrl, signingSecret: SIGNING_SECRET, viewId: view!.id, values: {} }), /no open view/);
  });

  it('response_url delete_original removes the message', async () => {
    const ts = await postApproval();
    await sim.click({ interactivityUrl, signingSecret: SIGNING_SECRET, channel: 'C100', ts, actionId: 'approve', userId: 'U100' });
    const res = await fetch(String(received[0]?.payload['response_url']), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ delete_original: true }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(sim.messages('C100'), []);
  });
});
