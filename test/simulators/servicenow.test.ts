/**
 * The ServiceNow simulator, driven with plain `fetch` exactly as a Table API client would.
 * Run: node --import tsx --test test/simulators/servicenow.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { parseEncodedQuery, matchesQuery } from './servicenow/encoded-query';
import { startServiceNowSimulator, type ServiceNowSimulator } from './servicenow';

const USER = { user_name: 'gatehouse.integration', password: 'correct horse', name: 'Gatehouse Integration' };
const CLIENT = { client_id: 'gatehouse-client', client_secret: 'client-secret-1' };
const BASIC = `Basic ${Buffer.from(`${USER.user_name}:${USER.password}`).toString('base64')}`;
const START = Date.parse('2025-08-01T10:00:00Z');

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined for an empty body. */
  body: unknown;
}

/** A field of a JSON object body, for assertions; fails the test when the body is not an object. */
function field(value: unknown, name: string): unknown {
  assert.ok(typeof value === 'object' && value !== null, `expected an object, got ${JSON.stringify(value)}`);
  return (value as Record<string, unknown>)[name];
}

function result(answer: Answer): unknown {
  return field(answer.body, 'result');
}

function resultList(answer: Answer): Record<string, unknown>[] {
  const list = result(answer);
  assert.ok(Array.isArray(list), `expected a result array, got ${answer.text}`);
  return list as Record<string, unknown>[];
}

describe('ServiceNow simulator', () => {
  let sn: ServiceNowSimulator;
  let nowMs = START;
  let groupId = '';
  let userSysId = '';

  async function call(method: string, path: string, opts: { auth?: string | null; json?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    const auth = opts.auth === undefined ? BASIC : opts.auth;
    if (auth !== null) headers.authorization = auth;
    let body: string | undefined = opts.rawBody;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${sn.url}${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text === '' ? undefined : JSON.parse(text) };
  }

  async function tokenRequest(form: Record<string, string>): Promise<Answer> {
    const res = await fetch(`${sn.url}/oauth_token.do`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: JSON.parse(text) };
  }

  function passwordGrant(): Promise<Answer> {
    return tokenRequest({ grant_type: 'password', ...CLIENT, username: USER.user_name, password: USER.password });
  }

  before(async () => {
    sn = await startServiceNowSimulator({ now: () => new Date(nowMs) });
    userSysId = 'a8f98bb0eb32010045e1a5115206fe3a';
    sn.addUser({ ...USER, sys_id: userSysId });
    sn.addUser({ user_name: 'beth.anglin', password: 'pw-beth', name: 'Beth Anglin' });
    sn.addOAuthClient(CLIENT);
    groupId = sn.addGroup({ name: 'Network' }).sys_id;
  });

  after(async () => {
    await sn.close();
  });

  beforeEach(() => {
    nowMs += 60_000;
    sn.setAccessTokenLifetimeSeconds(1800);
    sn.setRateLimitRule(null);
    sn.faults.clear();
  });

  describe('authentication', () => {
    it('answers 401 with the observed body without credentials or with a wrong password', async () => {
      const expected = { error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' };
      const none = await call('GET', '/api/now/table/incident', { auth: null });
      assert.equal(none.status, 401);
      assert.deepEqual(none.body, expected);
      const wrong = await call('GET', '/api/now/table/incident', { auth: `Basic ${Buffer.from(`${USER.user_name}:nope`).toString('base64')}` });
      assert.equal(wrong.status, 401);
      assert.deepEqual(wrong.body, expected);
      assert.equal((await call('GET', '/api/now/table/incident')).status, 200, 'the right password passes');
    });

    it('issues OAuth tokens for the password grant that work as Bearer credentials', async () => {
      const granted = await passwordGrant();
      assert.equal(granted.status, 200, granted.text);
      assert.equal(field(granted.body, 'token_type'), 'Bearer');
      assert.equal(field(granted.body, 'scope'), 'useraccount');
      assert.equal(field(granted.body, 'expires_in'), 1799);
      const accessToken = field(granted.body, 'access_token');
      assert.equal(typeof accessToken, 'string');
      assert.equal(typeof field(granted.body, 'refresh_token'), 'string');
      const answer = await call('GET', '/api/now/table/sys_user?sysparm_fields=user_name', { auth: `Bearer ${String(accessToken)}` });
      assert.equal(answer.status, 200);
      assert.equal((await call('GET', '/api/now/table/incident', { auth: 'Bearer not-a-token' })).status, 401);
    });

    it('refuses bad clients, bad passwords and JSON bodies on the token endpoint', async () => {
      const denied = { error: 'server_error', error_description: 'access_denied' };
      const badSecret = await tokenRequest({ grant_type: 'password', ...CLIENT, client_secret: 'wrong', username: USER.user_name, password: USER.password });
      assert.equal(badSecret.status, 401);
      assert.deepEqual(badSecret.body, denied);
      const badPassword = await tokenRequest({ grant_type: 'password', ...CLIENT, username: USER.user_name, password: 'wrong' });
      assert.equal(badPassword.status, 401);
      assert.deepEqual(badPassword.body, denied);
      const asJson = await fetch(`${sn.url}/oauth_token.do`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'password', ...CLIENT, username: USER.user_name, password: USER.password }),
      });
      assert.ok(asJson.status === 400 || asJson.status === 401, `JSON must fail, got ${asJson.status}`);
      assert.equal(field(await asJson.json(), 'access_token'), undefined);
    });

    it('expires access tokens and refreshes them with the same refresh token', async () => {
      sn.setAccessTokenLifetimeSeconds(600);
      const granted = await passwordGrant();
      const accessToken = String(field(granted.body, 'access_token'));
      const refreshToken = String(field(granted.body, 'refresh_token'));
      assert.equal(field(granted.body, 'expires_in'), 599);
      assert.equal((await call('GET', '/api/now/table/incident', { auth: `Bearer ${accessToken}` })).status, 200);

      nowMs += 601_000;
      const expired = await call('GET', '/api/now/table/incident', { auth: `Bearer ${accessToken}` });
      assert.equal(expired.status, 401);
      assert.equal(field(field(expired.body, 'error'), 'message'), 'User Not Authenticated');

      for (let i = 0; i < 2; i++) {
        const refreshed = await tokenRequest({ grant_type: 'refresh_token', ...CLIENT, refresh_token: refreshToken });
        assert.equal(refreshed.status, 200, refreshed.text);
        const fresh = String(field(refreshed.body, 'access_token'));
        assert.notEqual(fresh, accessToken);
        assert.equal((await call('GET', '/api/now/table/incident', { auth: `Bearer ${fresh}` })).status, 200);
      }
      const badRefresh = await tokenRequest({ grant_type: 'refresh_token', ...CLIENT, refresh_token: 'forged' });
      assert.equal(badRefresh.status, 401);
    });

    it('lets tests issue already-expired tokens', async () => {
      sn.setAccessTokenLifetimeSeconds(0);
      const granted = await passwordGrant();
      const answer = await call('GET', '/api/now/table/incident', { auth: `Bearer ${String(field(granted.body, 'access_token'))}` });
      assert.equal(answer.status, 401);
    });
  });

  describe('reading records', () => {
    it('renders every value as a string, references as {link,value} and dates in UTC', async () => {
      const incident = sn.createIncident({ short_description: 'VPN down', impact: '2', urgency: '1', assignment_group: groupId, caller_id: userSysId });
      assert.match(incident.sys_id, /^[0-9a-f]{32}$/);
      assert.match(incident.number, /^INC\d{7}$/);
      assert.equal(incident.priority, '2', 'priority from the impact × urgency matrix');

      const answer = await call('GET', `/api/now/table/incident/${incident.sys_id}`);
      assert.equal(answer.status, 200);
      const record = result(answer);
      assert.equal(field(record, 'sys_mod_count'), '0');
      assert.equal(field(record, 'state'), '1');
      assert.equal(field(record, 'active'), 'true');
      assert.equal(field(record, 'assigned_to'), '');
      assert.equal(field(record, 'sys_created_on'), new Date(nowMs).toISOString().slice(0, 19).replace('T', ' '));
      assert.deepEqual(field(record, 'assignment_group'), { link: `${sn.url}/api/now/table/sys_user_group/${groupId}`, value: groupId });
      for (const [name, value] of Object.entries(record as Record<string, unknown>)) {
        const isReference = typeof value === 'object' && value !== null && typeof field(value, 'value') === 'string';
        assert.ok(typeof value === 'string' || isReference, `${name} must be a string or a reference`);
      }
    });

    it('honours sysparm_fields, exclude_reference_link and display_value', async () => {
      const incident = sn.createIncident({ short_description: 'Printer jam', impact: '1', urgency: '2', assignment_group: groupId });
      const base = `/api/now/table/incident/${incident.sys_id}`;
      const bare = result(await call('GET', `${base}?sysparm_fields=number,assignment_group,nonsense&sysparm_exclude_reference_link=true`));
      assert.deepEqual(bare, { number: incident.number, assignment_group: groupId });

      const labels = result(await call('GET', `${base}?sysparm_fields=priority,state,assignment_group&sysparm_display_value=true`));
      assert.equal(field(labels, 'priority'), '2 - High');
      assert.equal(field(labels, 'state'), 'New');
      assert.equal(field(field(labels, 'assignment_group'), 'display_value'), 'Network');

      const both = result(await call('GET', `${base}?sysparm_fields=impact,assignment_group.name&sysparm_display_value=all`));
      assert.deepEqual(field(both, 'impact'), { display_value: '1 - High', value: '1' });
      assert.deepEqual(field(both, 'assignment_group.name'), { display_value: 'Network', value: 'Network' });
    });

    it('serves the v1 and v2 paths and the read-only tables', async () => {
      const incident = sn.createIncident({ short_description: 'versioned' });
      for (const version of ['v1', 'v2']) {
        const answer = await call('GET', `/api/now/${version}/table/incident/${incident.sys_id}?sysparm_fields=number`);
        assert.deepEqual(result(answer), { number: incident.number });
      }
      const users = resultList(await call('GET', '/api/now/table/sys_user?sysparm_query=user_name=beth.anglin'));
      assert.equal(users.length, 1);
      assert.equal(users[0]?.name, 'Beth Anglin');
      assert.equal(users[0]?.password, undefined, 'passwords are never rendered');
      const groups = resultList(await call('GET', '/api/now/table/sys_user_group?name=Network'));
      assert.deepEqual(groups.map((g) => g.sys_id), [groupId]);
    });

    it('answers missing records, unknown tables and unknown paths with the error shape', async () => {
      const missing = await call('GET', '/api/now/table/incident/0123456789abcdef0123456789abcdef');
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.body, {
        error: { message: 'No Record found', detail: "Record doesn't exist or ACL restricts the record retrieval" },
        status: 'failure',
      });
      const table = await call('GET', '/api/now/table/change_request_nope');
      assert.equal(table.status, 400);
      assert.equal(field(field(table.body, 'error'), 'message'), 'Invalid table change_request_nope');
      assert.equal(field(table.body, 'status'), 'failure');
      const unknownPath = await call('GET', '/api/now/tablez/incident');
      assert.equal(unknownPath.status, 400);
      assert.equal(field(unknownPath.body, 'status'), 'failure');
      const emptyV1 = await call('GET', '/api/now/v1/table/incident?sysparm_query=number=INC9999999');
      assert.equal(emptyV1.status, 404, 'v1 answers no matches with 404');
      const emptyV2 = await call('GET', '/api/now/v2/table/incident?sysparm_query=number=INC9999999');
      assert.equal(emptyV2.status, 200);
      assert.deepEqual(result(emptyV2), []);
    });
  });

  describe('listing', () => {
    const tag = 'listing-batch';
    before(() => {
      for (let i = 1; i <= 5; i++) {
        sn.createIncident({ short_description: `${tag} ${i}`, category: i % 2 === 0 ? 'network' : 'hardware', impact: String((i % 3) + 1), urgency: '3' });
      }
    });

    it('filters with an encoded query (LIKE, ^OR, IN, ISEMPTY) and sorts with ORDERBYDESC', async () => {
      const q = encodeURIComponent(`short_descriptionLIKE${tag}^category=network^ORcategory=software^ORDERBYDESCshort_description`);
      const answer = await call('GET', `/api/now/table/incident?sysparm_query=${q}&sysparm_fields=short_description,category`);
      assert.equal(answer.status, 200);
      assert.deepEqual(resultList(answer).map((r) => r.short_description), [`${tag} 4`, `${tag} 2`]);
      assert.equal(answer.headers.get('x-total-count'), '2');

      const inQuery = encodeURIComponent(`short_descriptionSTARTSWITH${tag}^impactIN1,3^assigned_toISEMPTY^ORDERBYshort_description`);
      const inAnswer = resultList(await call('GET', `/api/now/table/incident?sysparm_query=${inQuery}&sysparm_fields=short_description,impact`));
      assert.deepEqual(inAnswer.map((r) => r.short_description), [`${tag} 2`, `${tag} 3`, `${tag} 5`]);
    });

    it('silently ignores query parts it does not understand', async () => {
      const q = encodeURIComponent(`short_descriptionLIKE${tag}^no_such_field=1^category~~weird`);
      const answer = await call('GET', `/api/now/table/incident?sysparm_query=${q}`);
      assert.equal(answer.status, 200);
      assert.equal(resultList(answer).length, 5);
    });

    it('pages with sysparm_limit/offset, Link and X-Total-Count', async () => {
      const q = encodeURIComponent(`short_descriptionLIKE${tag}^ORDERBYshort_description`);
      const first = await call('GET', `/api/now/table/incident?sysparm_query=${q}&sysparm_limit=2&sysparm_fields=short_description`);
      assert.equal(first.headers.get('x-total-count'), '5');
      assert.deepEqual(resultList(first).map((r) => r.short_description), [`${tag} 1`, `${tag} 2`]);
      const links = Object.fromEntries(
        (first.headers.get('link') ?? '').split(',').map((part) => {
          const match = /^<([^>]+)>;rel="(\w+)"$/.exec(part);
          assert.ok(match, `malformed Link part ${part}`);
          return [match[2], new URL(match[1] ?? '')];
        }),
      );
      assert.deepEqual(Object.keys(links).sort(), ['first', 'last', 'next']);
      assert.equal(links.next?.origin, sn.url);
      assert.equal(links.next?.searchParams.get('sysparm_offset'), '2');
      assert.equal(links.last?.searchParams.get('sysparm_offset'), '4');

      const nextPath = `${links.next?.pathname}${links.next?.search}`;
      const second = await call('GET', nextPath);
      assert.deepEqual(resultList(second).map((r) => r.short_description), [`${tag} 3`, `${tag} 4`]);
      assert.match(second.headers.get('link') ?? '', /rel="prev"/);

      const onePage = await call('GET', `/api/now/table/incident?sysparm_query=${q}&sysparm_limit=10`);
      assert.equal(onePage.headers.get('link'), null, 'no Link header for a single page');
      assert.equal(onePage.headers.get('x-total-count'), '5');
    });

    it('rejects a negative offset', async () => {
      const answer = await call('GET', '/api/now/table/incident?sysparm_offset=-1');
      assert.equal(answer.status, 400);
      assert.equal(field(field(answer.body, 'error'), 'message'), 'Negative offset is not supported');
    });

    it('treats bare field=value parameters as a filter', async () => {
      const answer = await call('GET', `/api/now/table/incident?category=network&short_description=${encodeURIComponent(`${tag} 4`)}`);
      assert.deepEqual(resultList(answer).map((r) => r.short_description), [`${tag} 4`]);
    });
  });

  describe('encoded query parser', () => {
    const known = (f: string): boolean => ['a', 'b', 'c', 'd'].includes(f);
    const row = (values: Record<string, string>) => (f: string): string => values[f] ?? '';

    it('reads ^NQ as a new OR group and ^OR as OR with the previous condition', () => {
      const q = parseEncodedQuery('a=1^b=2^NQc=3', known);
      assert.equal(matchesQuery(q, row({ a: '1', b: '2' })), true);
      assert.equal(matchesQuery(q, row({ c: '3' })), true);
      assert.equal(matchesQuery(q, row({ a: '1', b: '9' })), false);
      const or = parseEncodedQuery('a=1^ORa=2^b>=5^b<10', known);
      assert.equal(matchesQuery(or, row({ a: '2', b: '9' })), true);
      assert.equal(matchesQuery(or, row({ a: '3', b: '9' })), false);
      assert.equal(matchesQuery(or, row({ a: '1', b: '10' })), false, 'numbers compare numerically');
    });

    it('supports !=, ISNOTEMPTY, STARTSWITH, BETWEEN, dates and ORDERBY', () => {
      const q = parseEncodedQuery('a!=x^bISNOTEMPTY^cSTARTSWITHin^d>=2025-08-01 00:00:00^ORDERBYDESCa^ORDERBYb', known);
      assert.deepEqual(q.orderBy, [{ field: 'a', descending: true }, { field: 'b', descending: false }]);
      assert.equal(matchesQuery(q, row({ a: 'y', b: 'z', c: 'INC1', d: '2025-08-02 10:00:00' })), true);
      assert.equal(matchesQuery(q, row({ a: 'y', b: 'z', c: 'INC1', d: '2025-07-31 23:59:59' })), false);
      assert.equal(matchesQuery(q, row({ a: 'y', b: '', c: 'INC1', d: '2025-08-02 10:00:00' })), false);
      assert.equal(matchesQuery(parseEncodedQuery('aBETWEEN2@4', known), row({ a: '3' })), true);
    });
  });

  describe('writing', () => {
    it('PATCH bumps sys_mod_count, stamps the user and turns work_notes into a journal row', async () => {
      const incident = sn.createIncident({ short_description: 'Disk full', impact: '3', urgency: '3' }, 'beth.anglin');
      nowMs += 5_000;
      const stamp = new Date(nowMs).toISOString().slice(0, 19).replace('T', ' ');
      const patched = await call('PATCH', `/api/now/table/incident/${incident.sys_id}`, {
        json: { work_notes: 'Gatehouse triage: routed to Network', impact: '1', category: 'network', sys_mod_count: '42', not_a_field: 'x' },
      });
      assert.equal(patched.status, 200, patched.text);
      const record = result(patched);
      assert.equal(field(record, 'sys_mod_count'), '1', 'sys_* in the body is ignored; the write bumps it by one');
      assert.equal(field(record, 'sys_updated_by'), USER.user_name);
      assert.equal(field(record, 'sys_updated_on'), stamp);
      assert.equal(field(record, 'sys_created_by'), 'beth.anglin');
      assert.equal(field(record, 'work_notes'), '', 'journal fields read back empty');
      assert.equal(field(record, 'priority'), '3', 'impact 1 × urgency 3 recomputes priority');
      assert.equal(field(record, 'not_a_field'), undefined);

      const q = encodeURIComponent(`element_id=${incident.sys_id}^element=work_notes^ORDERBYDESCsys_created_on`);
      const journal = resultList(await call('GET', `/api/now/table/sys_journal_field?sysparm_query=${q}`));
      assert.equal(journal.length, 1);
      assert.equal(journal[0]?.value, 'Gatehouse triage: routed to Network');
      assert.equal(journal[0]?.sys_created_by, USER.user_name);
      assert.equal(journal[0]?.name, 'incident');
      assert.deepEqual(sn.journal(incident.sys_id, 'work_notes').map((j) => j.value), ['Gatehouse triage: routed to Network']);
      assert.equal(sn.journal(incident.sys_id, 'comments').length, 0);
    });

    it('lists the newest journal row first under ORDERBYDESCsys_created_on', async () => {
      const incident = sn.createIncident({ short_description: 'Many notes' });
      for (const note of ['one', 'two', 'three']) {
        await call('PATCH', `/api/now/table/incident/${incident.sys_id}`, { json: { work_notes: note } });
      }
      const q = encodeURIComponent(`element_id=${incident.sys_id}^element=work_notes^ORDERBYDESCsys_created_on`);
      const journal = resultList(await call('GET', `/api/now/table/sys_journal_field?sysparm_query=${q}&sysparm_limit=1`));
      assert.deepEqual(journal.map((j) => j.value), ['three']);
      assert.equal(sn.getIncident(incident.sys_id)?.sys_mod_count, '3');
      // Display values show the journal history, newest first; the raw value stays "".
      const shown = result(await call('GET', `/api/now/table/incident/${incident.sys_id}?sysparm_fields=work_notes&sysparm_display_value=all`));
      const notes = field(shown, 'work_notes');
      assert.equal(field(notes, 'value'), '');
      assert.match(String(field(notes, 'display_value')), /Gatehouse Integration \(Work notes\)\nthree\n\n.*\ntwo\n\n.*\none/s);
    });

    it('PUT is a partial update like PATCH; explicit priority wins; X-no-response-body empties the body', async () => {
      const incident = sn.createIncident({ short_description: 'keep me', category: 'hardware' });
      const put = await call('PUT', `/api/now/table/incident/${incident.sys_id}`, { json: { impact: '1', urgency: '1', priority: '4' } });
      assert.equal(put.status, 200);
      assert.equal(field(result(put), 'short_description'), 'keep me');
      assert.equal(field(result(put), 'category'), 'hardware');
      assert.equal(field(result(put), 'priority'), '4');

      const quiet = await call('PATCH', `/api/now/table/incident/${incident.sys_id}`, { json: { category: 'network' }, headers: { 'x-no-response-body': 'true' } });
      assert.equal(quiet.status, 200);
      assert.equal(quiet.text, '');
      assert.equal(sn.getIncident(incident.sys_id)?.category, 'network');
      assert.equal(sn.getIncident(incident.sys_id)?.sys_mod_count, '2');
    });

    it('a write that changes nothing is not an update', async () => {
      const incident = sn.createIncident({ category: 'network' });
      const same = await call('PATCH', `/api/now/table/incident/${incident.sys_id}`, { json: { category: 'network' } });
      assert.equal(same.status, 200);
      assert.equal(field(result(same), 'sys_mod_count'), '0');
    });

    it('takes reference names only with sysparm_input_display_value=true', async () => {
      const incident = sn.createIncident({ short_description: 'route me' });
      const path = `/api/now/table/incident/${incident.sys_id}?sysparm_exclude_reference_link=true`;
      const byName = await call('PATCH', `${path}&sysparm_input_display_value=true`, { json: { assignment_group: 'Network', assigned_to: 'Beth Anglin' } });
      assert.equal(field(result(byName), 'assignment_group'), groupId);
      assert.match(String(field(result(byName), 'assigned_to')), /^[0-9a-f]{32}$/);
      const raw = await call('PATCH', path, { json: { assignment_group: 'Network' } });
      assert.equal(field(result(raw), 'assignment_group'), 'Network', 'without the flag the raw value is stored');
    });

    it('POST creates with 201 and Location; DELETE answers 204', async () => {
      const created = await call('POST', '/api/now/table/incident', { json: { short_description: 'new one', urgency: '1', impact: '1' } });
      assert.equal(created.status, 201);
      const sysId = String(field(result(created), 'sys_id'));
      assert.equal(created.headers.get('location'), `${sn.url}/api/now/table/incident/${sysId}`);
      assert.equal(field(result(created), 'priority'), '1');
      assert.equal(field(result(created), 'sys_created_by'), USER.user_name);
      assert.equal(sn.getIncident(sysId)?.short_description, 'new one');

      const deleted = await call('DELETE', `/api/now/table/incident/${sysId}`);
      assert.equal(deleted.status, 204);
      assert.equal(sn.getIncident(sysId), undefined);
      assert.equal((await call('PATCH', `/api/now/table/incident/${sysId}`, { json: { category: 'x' } })).status, 404);
    });

    it('answers malformed and oversized JSON with the error shape', async () => {
      const incident = sn.createIncident({});
      const malformed = await call('PATCH', `/api/now/table/incident/${incident.sys_id}`, { rawBody: '{"category":', headers: { 'content-type': 'application/json' } });
      assert.equal(malformed.status, 400);
      assert.equal(field(malformed.body, 'status'), 'failure');
      assert.equal(typeof field(field(malformed.body, 'error'), 'message'), 'string');
      const huge = await call('PATCH', `/api/now/table/incident/${incident.sys_id}`, { json: { description: 'x'.repeat(1_100_000) } });
      assert.equal(huge.status, 413);
      assert.equal(field(huge.body, 'status'), 'failure');
      assert.equal(sn.getIncident(incident.sys_id)?.sys_mod_count, '0');
    });

    it('updateIncidentAsUser acts like a human edit', () => {
      const incident = sn.createIncident({ category: 'inquiry' });
      const edited = sn.updateIncidentAsUser(incident.sys_id, { category: 'hardware' }, 'beth.anglin');
      assert.equal(edited.category, 'hardware');
      assert.equal(edited.sys_mod_count, '1');
      assert.equal(edited.sys_updated_by, 'beth.anglin');
    });
  });

  describe('faults and rate limits', () => {
    it('rateLimit answers 429 with Retry-After once per armed request, then recovers', async () => {
      const incident = sn.createIncident({});
      sn.faults.rateLimit({ count: 1, retryAfterSeconds: 7, method: 'GET', pathPrefix: '/api/now/table/incident' });
      const other = await call('GET', '/api/now/table/sys_user_group');
      assert.equal(other.status, 200, 'a request outside the filter is untouched');
      const limited = await call('GET', `/api/now/table/incident/${incident.sys_id}`);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '7');
      assert.equal(field(limited.body, 'status'), 'failure');
      assert.equal((await call('GET', `/api/now/table/incident/${incident.sys_id}`)).status, 200);
    });

    it('error answers the given status with the error shape', async () => {
      sn.faults.error({ count: 2, status: 503, message: 'Maintenance' });
      for (let i = 0; i < 2; i++) {
        const answer = await call('GET', '/api/now/table/incident');
        assert.equal(answer.status, 503);
        assert.equal(field(field(answer.body, 'error'), 'message'), 'Maintenance');
        assert.equal(field(answer.body, 'status'), 'failure');
      }
      assert.equal((await call('GET', '/api/now/table/incident')).status, 200);
    });

    it('dropResponseAfterCommit applies the write, then loses the response', async () => {
      const incident = sn.createIncident({ category: 'inquiry' });
      const path = `/api/now/table/incident/${incident.sys_id}`;
      sn.resetRequestCounts();
      sn.faults.dropResponseAfterCommit({ count: 1, method: 'PATCH' });
      await assert.rejects(
        fetch(`${sn.url}${path}`, {
          method: 'PATCH',
          headers: { authorization: BASIC, 'content-type': 'application/json' },
          body: JSON.stringify({ category: 'network', work_notes: 'lost reply' }),
        }),
      );
      const stored = sn.getIncident(incident.sys_id);
      assert.equal(stored?.category, 'network');
      assert.equal(stored?.sys_mod_count, '1');
      assert.deepEqual(sn.journal(incident.sys_id).map((j) => j.value), ['lost reply']);
      assert.equal(sn.requestCounts()[`PATCH ${path}`], 1);
      const retry = await call('PATCH', path, { json: { category: 'network' } });
      assert.equal(retry.status, 200, 'the fault is consumed');
      assert.equal(sn.requestCounts()[`PATCH ${path}`], 2);
    });

    it('a configured rate-limit rule sends X-RateLimit-* headers and 429 past the limit', async () => {
      sn.setRateLimitRule({ requestsPerHour: 2 });
      const first = await call('GET', '/api/now/table/sys_user_group');
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('x-ratelimit-limit'), '2');
      assert.match(first.headers.get('x-ratelimit-rule') ?? '', /^[0-9a-f]{32}$/);
      const reset = Number(first.headers.get('x-ratelimit-reset'));
      assert.ok(reset > nowMs / 1000 && reset <= nowMs / 1000 + 3600, `reset ${reset} is within the hour`);
      assert.equal((await call('GET', '/api/now/table/sys_user_group')).status, 200);
      const third = await call('GET', '/api/now/table/sys_user_group');
      assert.equal(third.status, 429);
      assert.equal(third.headers.get('retry-after'), String(Math.ceil(reset - nowMs / 1000)));
      nowMs = reset * 1000 + 1000;
      assert.equal((await call('GET', '/api/now/table/sys_user_group')).status, 200, 'a new hour, a new budget');
    });
  });
});
