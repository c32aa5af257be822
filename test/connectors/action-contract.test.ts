/**
 * The GitHub and Slack actions hold to their signed contracts: every read, run through the action
 * runtime (`runRead`) against the simulators with the input it derives for a smoke test, answers
 * with output its zod schema accepts, and the manifest's JSON Schemas are exactly those of the
 * zod schemas the code validates with. The Slack writes preview and apply through the same
 * connection. Scopes: every action's are requested by its connector, and every Slack Web API
 * method Gatehouse calls needs only scopes the Slack manifest requests.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { contextFactory } from '../../action-runtime/connections';
import { runRead } from '../../action-runtime/run-read';
import type { InstallationFacts } from '../../connectors/framework/action-contract';
import { jsonSchemaOf } from '../../connectors/framework/manifest';
import { defaultRegistryOptions, loadConnectorRegistry, type ConnectorRegistry } from '../../connectors/framework/registry';
import { defaultRepoRoot } from '../../connectors/framework/repo-paths';
import type { ActionDefinition, ConnectorDefinition } from '../../connectors/framework/types';
import { githubConnector } from '../../connectors/github/definition';
import { slackConnector } from '../../connectors/slack/definition';
import { createTestDatabase, type Database } from '../../db/database';
import { getInstall, upsertPendingInstall } from '../../db/installs-repo';
import { SecretBox } from '../../db/secret-box';
import { putSecret } from '../../db/secrets-repo';
import { createTenant } from '../../db/tenants-repo';
import { loadTenant, type TenantContext, type TenantDeps } from '../../tenancy/tenant-context';
import { secretNames, type TenantSettingsInput } from '../../tenancy/tenant-settings';
import { startGitHubSimulator, type GitHubSimulator } from '../simulators/github';
import { startSlackSimulator, type SlackSimulator } from '../simulators/slack';
import { simulatorUrlPolicy } from '../../scripts/local-stack/simulator-url-policy';

const TEAM = 'T0CONTRACT';
const CHANNEL = 'C0CONTRACT';
const APPROVER = 'U0CONTRACT1';
const USERGROUP = 'S0CONTRACT';
const APP_ID = 515;
const connectors: readonly ConnectorDefinition[] = [githubConnector, slackConnector];

describe('GitHub and Slack actions against their manifests', () => {
  let db: Database;
  let gh: GitHubSimulator;
  let slack: SlackSimulator;
  let registry: ConnectorRegistry;
  let deps: TenantDeps & { registry: ConnectorRegistry };
  let tenant: TenantContext;
  const facts: Record<string, InstallationFacts> = {};
  let vpnSha = '';

  before(async () => {
    [db, gh, slack] = await Promise.all([createTestDatabase(), startGitHubSimulator(), startSlackSimulator()]);
    registry = await loadConnectorRegistry({ ...(await defaultRegistryOptions()), trustDevelopmentKeys: true });

    const privateKey = gh.addApp({ appId: APP_ID }).privateKeyPem;
    gh.addRepo({ owner: 'acme', name: 'runbooks' });
    gh.addInstallation({ id: 31, account: 'acme', repositories: ['runbooks'], permissions: { contents: 'read', issues: 'read', pull_requests: 'read' } });
    gh.addPull({ repo: 'acme/runbooks', title: 'Document the VPN failover', labels: ['docs'] });
    gh.addIssue({ repo: 'acme/runbooks', title: 'Failover runbook is stale', labels: ['docs'] });
    vpnSha = gh.putFile({ repo: 'acme/runbooks', path: 'docs/vpn.md', content: '# VPN failover\n' }).sha;

    const botToken = `xoxb-${randomBytes(12).toString('hex')}`;
    slack.addWorkspace({ teamId: TEAM, domain: 'contract', botToken, botUserId: 'U0CONTRBOT' });
    slack.addChannel({ id: CHANNEL, teamId: TEAM, name: 'approvals', botIsMember: true });
    slack.addUser({ id: APPROVER, teamId: TEAM, name: 'alice', realName: 'Alice Approver', email: 'alice@acme.test' });
    slack.addUserGroup({ id: USERGROUP, teamId: TEAM, handle: 'approvers', users: [APPROVER] });

    const settings: TenantSettingsInput = {
      servicenow: { instanceUrl: 'http://127.0.0.1:9/', auth: 'basic', username: 'never.called' },
      slack: { apiBaseUrl: slack.apiUrl, channel: CHANNEL, teamId: TEAM },
      approvals: { approvers: [APPROVER] },
    };
    const box = new SecretBox(randomBytes(32));
    const row = await createTenant(db.pool, { slug: 'contract', name: 'Contract', settings });
    await putSecret(db.pool, box, row.id, secretNames.slackBotToken, botToken);
    await putSecret(db.pool, box, row.id, secretNames.githubAppPrivateKey, privateKey);
    await upsertPendingInstall(db.pool, {
      tenantId: row.id, connectorId: 'github', manifestVersion: githubConnector.version,
      config: { appId: APP_ID, installationId: 31, baseUrl: gh.url, owner: 'acme', repo: 'runbooks', smokeTestPath: 'docs/vpn.md' },
      credentialNames: [secretNames.githubAppPrivateKey], requestedBy: 'test', workflowId: 'install-github-contract',
    });
    deps = { pool: db.pool, secrets: box, urlPolicy: simulatorUrlPolicy, registry };
    tenant = await loadTenant(deps, row.id);
    facts['github'] = { config: (await getInstall(db.pool, row.id, 'github'))?.config ?? {}, settings: {} };
    facts['slack'] = { config: { smokeTestUsergroup: USERGROUP }, settings: { channel: CHANNEL, approver: APPROVER } };
  });
  after(async () => {
    await Promise.allSettled([gh?.close(), slack?.close()]);
    await db?.close();
  });

  for (const connector of connectors) {
    describe(connector.connectorId, () => {
      for (const action of connector.actions) {
        it(`${action.actionId}: the manifest's schemas are the code's`, () => {
          const declared = registry.get(connector.connectorId).manifest.actions.find((a) => a.actionId === action.actionId);
          assert.ok(declared, `${action.actionId} is in the signed manifest`);
          assert.deepEqual(declared.inputSchema, jsonSchemaOf(action.input, 'input'));
          assert.deepEqual(declared.outputSchema, jsonSchemaOf(action.output, 'output'));
          assert.deepEqual(declared.scopes, [...action.scopes]);
        });
      }

      for (const action of connector.actions.filter((a) => a.kind === 'read')) {
        it(`${action.actionId}: a real read validates against its output schema`, async () => {
          assert.ok(action.kind === 'read' && action.run && action.smokeInput, 'every read has an implementation and a smoke input');
          const input = action.smokeInput(facts[connector.connectorId] ?? { config: {}, settings: {} });
          assert.ok(input !== undefined, 'this installation names something to read');
          const output = await runRead(deps, tenant, { actionId: action.actionId, input, key: `contract/${action.actionId}` });
          const parsed = action.output.safeParse(output);
          assert.ok(parsed.success, parsed.error?.message);
          assert.deepEqual(parsed.data, output, 'the runtime hands back exactly what the schema accepts');
        });
      }
    });
  }

  it('reads what the installation names: the configured repository and file, the first approver and a user group', async () => {
    const read = (actionId: string, input: unknown) => runRead(deps, tenant, { actionId, input, key: `contract/${actionId}` });
    const github = facts['github'] ?? { config: {}, settings: {} };
    const [pulls, issues, file] = githubConnector.actions.map((a) => (a.kind === 'read' ? a.smokeInput?.(github) : undefined));
    assert.deepEqual(pulls, { owner: 'acme', repo: 'runbooks', perPage: 5 });
    assert.deepEqual(issues, { owner: 'acme', repo: 'runbooks', perPage: 5 });
    assert.deepEqual(file, { owner: 'acme', repo: 'runbooks', path: 'docs/vpn.md' });
    assert.deepEqual(await read('github.contents.get', file), {
      path: 'docs/vpn.md', name: 'vpn.md', sha: vpnSha, size: 15, ref: null,
      encoding: 'utf-8', text: '# VPN failover\n', htmlUrl: 'https://github.com/acme/runbooks/blob/main/docs/vpn.md',
    });
    assert.deepEqual(await read('slack.users.info', { user: APPROVER }), {
      id: APPROVER, name: 'alice', realName: 'Alice Approver', email: 'alice@acme.test', teamId: TEAM, isBot: false, deleted: false,
    });
    assert.deepEqual(await read('slack.usergroups.users.list', { usergroup: USERGROUP }), { users: [APPROVER] });
  });

  it('derives no smoke input when the installation names nothing to read', () => {
    const none: InstallationFacts = { config: { appId: APP_ID, installationId: 31 }, settings: {} };
    for (const action of [...githubConnector.actions, ...slackConnector.actions]) {
      if (action.kind === 'read') assert.equal(action.smokeInput?.(none), undefined, action.actionId);
    }
    const readme = githubConnector.actions.find((a) => a.actionId === 'github.contents.get');
    assert.ok(readme?.kind === 'read');
    assert.deepEqual(readme.smokeInput?.({ config: { owner: 'acme', repo: 'runbooks' }, settings: {} }), { owner: 'acme', repo: 'runbooks', path: 'README.md' });
  });

  it('previews and applies the Slack writes through the tenant connection', async () => {
    const context = contextFactory(deps, tenant, 'contract/plan');
    // As the runtime sees them: the connection is whatever the connector's connect() opened.
    const actions: readonly ActionDefinition[] = slackConnector.actions;
    const write = (actionId: string) => {
      const action = actions.find((a) => a.actionId === actionId);
      assert.ok(action?.kind === 'write' && action.preview && action.apply, `${actionId} previews and applies`);
      return { action, preview: action.preview, apply: action.apply };
    };
    const run = async (actionId: string, rawInput: unknown) => {
      const { action, preview, apply } = write(actionId);
      const ctx = await context(slackConnector, `contract/${actionId}`);
      const input = action.input.parse(rawInput);
      const approved = await preview(ctx, input);
      const receipt = await apply(ctx, input, approved);
      assert.ok(action.output.safeParse(receipt.output).success, `${actionId} output matches its schema`);
      return { approved, receipt };
    };

    const posted = await run('slack.chat.post_message', { text: 'Deploy window opens at 14:00' });
    assert.deepEqual(posted.approved, {
      subject: { connectorId: 'slack', kind: 'channel', id: CHANNEL, label: `#${CHANNEL}`, title: 'Slack channel', facts: [], requesters: [] },
      changes: [{ field: 'message', from: '', to: 'Deploy window opens at 14:00' }],
    }, 'no channel given: the approval channel');
    const ts = (posted.receipt.output as { ts: string }).ts;
    assert.deepEqual(posted.receipt, {
      output: { channel: CHANNEL, ts },
      fields: [{ field: 'message', before: '', after: 'Deploy window opens at 14:00', outcome: 'applied' }],
    });
    assert.equal(slack.messages(CHANNEL).find((m) => m.ts === ts)?.text, 'Deploy window opens at 14:00');

    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Approve?*' } }];
    const request = await run('slack.chat.post_approval_request', { channel: CHANNEL, text: 'Approval needed', blocks });
    const requestTs = (request.receipt.output as { ts: string }).ts;
    await run('slack.chat.update_message', { channel: CHANNEL, ts: requestTs, text: 'Approved', blocks: [] });
    assert.equal(slack.messages(CHANNEL).find((m) => m.ts === requestTs)?.text, 'Approved');
    const notice = await run('slack.chat.post_ephemeral', { channel: CHANNEL, user: APPROVER, thread_ts: requestTs, text: 'Not recorded' });
    assert.equal(notice.receipt.fields[0]?.field, `ephemeral message to ${APPROVER}`);
    assert.ok(slack.ephemerals(APPROVER).some((e) => e.text === 'Not recorded'));
  });

  it('asks each connector for every scope its actions need', () => {
    for (const connector of connectors) {
      const requested = new Set(registry.get(connector.connectorId).manifest.scopes);
      for (const action of connector.actions) {
        for (const scope of action.scopes) assert.ok(requested.has(scope), `${action.actionId} needs ${scope}, which ${connector.connectorId} does not request`);
      }
    }
  });

  it('calls only Slack Web API methods whose scopes the Slack manifest requests', () => {
    /** Bot scopes of each method Gatehouse calls (docs.slack.dev/reference/methods). */
    const methodScopes: Readonly<Record<string, readonly string[]>> = {
      'chat.postMessage': ['chat:write'],
      'chat.update': ['chat:write'],
      'chat.postEphemeral': ['chat:write'],
      // The e-mail address the self-approval check matches on comes only with users:read.email.
      'users.info': ['users:read', 'users:read.email'],
      'usergroups.users.list': ['usergroups:read'],
      // These need no scope: a token may always test or revoke itself, and a trigger_id opens a modal.
      'auth.test': [],
      'auth.revoke': [],
      'views.open': [],
    };
    const called = new Map<string, string>();
    for (const file of slackCallerFiles()) {
      const text = readFileSync(join(defaultRepoRoot, file), 'utf8');
      for (const match of text.matchAll(/\.(chat|users|usergroups|views|auth|conversations|reactions|files|pins)\.(\w+(?:\.\w+)?)\(/g)) {
        called.set(`${match[1]}.${match[2]}`, file);
      }
    }
    for (const method of ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'users.info', 'usergroups.users.list', 'auth.revoke']) {
      assert.ok(called.has(method), `the scan finds ${method}`);
    }
    const requested = new Set(registry.get('slack').manifest.scopes);
    for (const [method, file] of called) {
      const scopes = methodScopes[method];
      assert.ok(scopes, `${file} calls ${method}: add its scopes to this table (and to the Slack manifest if new)`);
      for (const scope of scopes) assert.ok(requested.has(scope), `${method} (called in ${file}) needs ${scope}, which the Slack manifest does not request`);
    }
  });
});

/** Product code that calls the tenant's Slack client: the connector, and every file that opens or types a client. */
function slackCallerFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(defaultRepoRoot, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.push(path);
    }
  };
  for (const dir of ['action-runtime', 'activities', 'api', 'connectors', 'marketplace', 'runtime', 'tenancy', 'triage', 'workflows']) walk(dir);
  return files.filter((file) => file.startsWith('connectors/slack/')
    || /@slack\/web-api|slackClientFor|SlackConnection/.test(readFileSync(join(defaultRepoRoot, file), 'utf8')));
}
