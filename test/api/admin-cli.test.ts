/**
 * The admin CLI (scripts/admin.ts) as an operator runs it: a child process against the running
 * API, JSON out, the API's error code and a non-zero exit on refusal, secrets only from stdin.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { listAudit } from '../../db/audit-repo';
import { useTimeSkippingHarness } from '../support/harness-suite';

const suite = useTimeSkippingHarness();
const root = join(__dirname, '..', '..');

interface CliResult { code: number | null; stdout: string; stderr: string }

/** Runs the CLI. Asynchronously: the API it calls is served by this very process. */
function cli(args: string[], stdin = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'admin.ts'), ...args], {
      cwd: root,
      env: { ...process.env, GATEHOUSE_URL: suite.h.runtime.apiUrl, GATEHOUSE_ADMIN_TOKEN: suite.h.adminToken },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const json = (result: CliResult): Record<string, unknown> => JSON.parse(result.stdout) as Record<string, unknown>;

describe('admin CLI', () => {
  it('creates a route token and prints the answer as JSON', async () => {
    const result = await cli(['route-tokens', 'create', 'acme', 'slack']);
    assert.equal(result.code, 0, result.stderr);
    const routes = json(result).routes as Record<string, string>;
    assert.match(routes.slackInteractivityUrl!, /\/slack\/[A-Za-z0-9_-]{40,}\//);
    assert.notEqual(routes.slackInteractivityUrl, suite.h.interactivityUrl);
  });

  it('shows a tenant, and creates one from a file', async () => {
    const shown = await cli(['tenants', 'show', 'acme']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal((json(shown).tenant as { slug: string }).slug, 'acme');

    const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-cli-')), 'globex.json');
    writeFileSync(file, JSON.stringify({
      slug: 'globex', name: 'Globex',
      settings: {
        servicenow: { instanceUrl: 'https://globex.service-now.com', username: 'gh.integration' },
        slack: { channel: 'C0GLOBEX' }, approvals: { approvers: ['U0GLOBEX1'] },
      },
    }));
    const created = await cli(['tenants', 'create', file]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(String(json(created).webhookSecret), /^whsec_/);
    const listed = await cli(['tenants', 'list']);
    assert.deepEqual((json(listed).tenants as Array<{ slug: string }>).map((t) => t.slug).sort(), ['acme', 'globex']);
  });

  it("exits non-zero with the API's error code and message", async () => {
    const result = await cli(['tenants', 'show', 'no-such-tenant']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /tenant_not_found \(HTTP 404\): no tenant with slug no-such-tenant/);

    const usage = await cli(['tenants', 'show']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /tenants show takes <slug>/);
    assert.match(usage.stderr, /usage: /);
  });

  it('reads a secret from stdin and never prints it', async () => {
    const value = `oauth-secret-${randomBytes(12).toString('hex')}`;
    const result = await cli(['secrets', 'set', 'acme', 'servicenow_client_secret'], `${value}\n`);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(json(result), { tenant: 'acme', secret: 'servicenow_client_secret', set: true });
    assert.ok(!result.stdout.includes(value) && !result.stderr.includes(value), 'the value is never echoed');

    const shown = await cli(['tenants', 'show', 'acme']);
    assert.ok((json(shown).tenant as { secretsConfigured: string[] }).secretsConfigured.includes('servicenow_client_secret'));
    assert.ok(!shown.stdout.includes(value));
    const audited = await listAudit(suite.h.db.pool, { tenantId: suite.h.tenant.id, type: 'tenant.secret_set' });
    assert.ok(audited.some((e) => JSON.stringify(e.detail).includes('servicenow_client_secret')));
    assert.ok(!JSON.stringify(audited).includes(value));
    assert.ok(!suite.h.logLines.join('').includes(value), 'nor logged by the API');

    const empty = await cli(['secrets', 'set', 'acme', 'servicenow_client_secret'], '');
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /no secret value on stdin/);
  });

  it('prints usage with --help', async () => {
    const result = await cli(['--help']);
    assert.equal(result.code, 0);
    for (const command of ['tenants list', 'secrets set <slug> <name>', 'runs revert <workflowId> <requestedBy> <reason…>']) assert.ok(result.stdout.includes(command), command);
  });
});
