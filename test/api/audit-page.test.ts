/**
 * The signed audit link from the Slack message, opened the two ways it is: by a browser, which
 * gets an HTML page (escaped, scriptless, uncached), and by an API client, which keeps the JSON.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { appendAudit, listAudit } from '../../db/audit-repo';
import { approvedTriageRun } from '../support/approved-run';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { approvalMessage, messageText } from '../support/slack-assertions';

const suite = useTimeSkippingHarness();

/** What Firefox and Chrome send for a link opened from Slack. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const SCRIPT = '<script>alert(1)</script>';
const UNTRUSTED_ACTOR = '<img src=x onerror=alert(2)>';

interface Answer { status: number; headers: Headers; text: string }

async function get(url: string, accept?: string): Promise<Answer> {
  const res = await fetch(url, accept === undefined ? {} : { headers: { accept } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function tampered(link: string): string {
  const url = new URL(link);
  const sig = url.searchParams.get('sig') ?? '';
  url.searchParams.set('sig', `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`);
  return url.toString();
}

const eventTypesInPage = (html: string): string[] => [...html.matchAll(/<tr data-event-type="([^"]*)"/g)].map((m) => m[1]!);

function assertPageHeaders(answer: Answer): void {
  assert.equal(answer.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(answer.headers.get('content-security-policy'), "default-src 'none'; style-src 'unsafe-inline'");
  assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(answer.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(answer.headers.get('cache-control'), 'no-store');
}

let workflowId: string;
let incidentNumber: string;
let link: string;

describe('audit link page', () => {
  before(async () => {
    const h = suite.h;
    const run = await approvedTriageRun(h);
    incidentNumber = run.incident.number;
    workflowId = run.workflowId;
    // The link exactly as the outcome message in Slack carries it.
    const found = /<(https?:\/\/[^|>]+\/audit\/runs\/[^|>]+)\|Audit trail>/.exec(messageText(approvalMessage(h.slack)));
    assert.ok(found, 'the outcome message links to the audit trail');
    link = found[1]!;
    // Details are whatever webhooks and ServiceNow sent: markup among them must stay text.
    await appendAudit(h.db.pool, {
      tenantId: h.tenant.id, workflowId, type: 'test.untrusted_input', actor: UNTRUSTED_ACTOR, outcome: 'recorded',
      detail: { note: SCRIPT, [SCRIPT]: 'in a key', nested: { comment: SCRIPT } },
    });
  });

  it('a browser gets an HTML page with one row per event of the run, oldest first', async () => {
    const answer = await get(link, BROWSER_ACCEPT);
    assert.equal(answer.status, 200);
    assertPageHeaders(answer);
    assert.ok(answer.text.includes(`<title>Audit trail — ${workflowId}</title>`), 'the title names the run');
    assert.match(answer.text, new RegExp(`<p id="incident">Incident <strong>${incidentNumber}</strong>`));
    assert.match(answer.text, /<table id="audit-events">/);
    const events = await listAudit(suite.h.db.pool, { workflowId, limit: 1000 });
    assert.ok(events.length >= 3, `the run recorded events (${events.map((e) => e.type).join(', ')})`);
    assert.deepEqual(eventTypesInPage(answer.text), events.map((e) => e.type));
    assert.ok(eventTypesInPage(answer.text).includes('webhook.accepted'));
    assert.ok(answer.text.includes(`<time datetime="${events[0]!.createdAt.toISOString()}">`), 'times are ISO in UTC');
    assert.ok(answer.text.includes(`<div>incident: ${incidentNumber}</div>`), 'details read as key: value lines');
  });

  it('escapes what event details, keys and actors carry; no script reaches the page', async () => {
    const answer = await get(link, BROWSER_ACCEPT);
    assert.equal(answer.status, 200);
    assert.ok(!answer.text.toLowerCase().includes('<script'), 'no script tag in the page');
    assert.ok(!answer.text.includes('<img'), 'no markup from the actor');
    assert.ok(answer.text.includes('<div>note: &lt;script&gt;alert(1)&lt;/script&gt;</div>'));
    assert.ok(answer.text.includes('<div>&lt;script&gt;alert(1)&lt;/script&gt;: in a key</div>'));
    // Nested values are compact JSON, then escaped.
    assert.ok(answer.text.includes('<div>nested: {&quot;comment&quot;:&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;}</div>'));
    assert.ok(answer.text.includes('&lt;img src=x onerror=alert(2)&gt;'));
  });

  it('an API client keeps the JSON answer, whether it asks for JSON or for anything', async () => {
    const events = await listAudit(suite.h.db.pool, { workflowId, limit: 1000 });
    const expected: unknown = JSON.parse(JSON.stringify({ workflowId, events }));
    for (const accept of ['application/json', '*/*', undefined]) {
      const answer = await get(link, accept);
      assert.equal(answer.status, 200, `Accept: ${accept ?? '(fetch default)'}`);
      assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(JSON.parse(answer.text), expected);
    }
  });

  it('a tampered signature: 403 page for a browser, saying no more than that', async () => {
    const answer = await get(tampered(link), BROWSER_ACCEPT);
    assert.equal(answer.status, 403);
    assertPageHeaders(answer);
    assert.match(answer.text, /invalid or has expired/);
    assert.ok(!answer.text.includes(workflowId), 'nothing about the run');
    assert.ok(!answer.text.includes('audit-events'), 'no events');
  });

  it('a tampered signature: 403 invalid_link JSON for an API client', async () => {
    const answer = await get(tampered(link), 'application/json');
    assert.equal(answer.status, 403);
    assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(JSON.parse(answer.text), { error: { code: 'invalid_link', message: 'this audit link is invalid or has expired' } });
  });
});
