/**
 * `npm run new:action` on a copy of the repository (`--root`), never on this checkout: the
 * scaffolded files compile, their tests pass (and fail when a declared fact changes), the
 * definition lists each action exactly once, the manifests generate, and every bad request is
 * refused with exit 2 leaving the copy exactly as it was.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultRepoRoot } from '../../connectors/framework/repo-paths';
import { serviceNowConnector } from '../../connectors/servicenow/definition';

let root = '';

function run(command: string, args: readonly string[], cwd = defaultRepoRoot): { status: number | null; stdout: string; stderr: string } {
  // Without this, a `node --test` started from inside a test reports to this runner instead of running as its own.
  const env = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The scaffold as a developer runs it, against the copy. */
const newAction = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'scripts/new-action.ts', ...args, '--root', root]);
const read = (path: string) => readFile(join(root, path), 'utf8');

/** Every file under the copy's connectors/ and test/, with its content: what a refusal must leave alone. */
async function tree(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(join(root, dir), { withFileTypes: true }).catch(() => [])) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else files.set(path, await read(path));
    }
  };
  await walk('connectors');
  await walk('test');
  return files;
}

/** A connector with a directory but no connection module and no actions yet: the scaffold falls back to defineAction. */
const demoDefinition = `/** A connector with no connection module, for the scaffold's test. */
import { defineConnector } from '../framework/define-connector';

export const demoConnector = defineConnector({
  connectorId: 'demo',
  name: 'Demo',
  description: 'A test connector.',
  category: 'automation_webhooks',
  version: '0.3.0',
  status: 'planned',
  authType: 'local',
  permissionsRequested: ['connector_read'],
  riskLevel: 'low',
  scopes: ['demo:read', 'demo:write'],
  actions: [
  ],
  healthcheck: { description: 'none' },
  disconnectPolicy: { revokeAtProvider: false, deleteCredentials: true, deleteCachedData: true, description: 'nothing stored' },
  dataRetentionPolicy: { retainedData: [], retentionDays: null, description: 'nothing kept' },
  implementationFiles: ['connectors/demo/definition.ts'],
});
`;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'gatehouse-new-action-'));
  // The code the connectors import (tenancy, db, policy…), the manifests, and the compiler setup; node_modules shared.
  const config = JSON.parse(await readFile(join(defaultRepoRoot, 'tsconfig.json'), 'utf8')) as { include: string[] };
  for (const dir of [...config.include.filter((d) => d !== 'test' && d !== 'bench'), 'manifests']) {
    await cp(join(defaultRepoRoot, dir), join(root, dir), { recursive: true });
  }
  for (const file of ['package.json', 'tsconfig.json']) await cp(join(defaultRepoRoot, file), join(root, file));
  await symlink(join(defaultRepoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  await mkdir(join(root, 'connectors/demo'));
  await writeFile(join(root, 'connectors/demo/definition.ts'), demoDefinition);
});
after(() => rm(root, { recursive: true, force: true }));

describe('new:action', () => {
  // No kind flag: a read, the default.
  const scaffolded = [
    { connector: 'servicenow', name: 'incident.reopen', flags: ['--write'], kebab: 'incident-reopen', exportName: 'incidentReopenAction' },
    { connector: 'servicenow', name: 'incident.list_tasks', flags: ['--read'], kebab: 'incident-list-tasks', exportName: 'incidentListTasksAction' },
    { connector: 'servicenow', name: 'incident.snooze', flags: [], kebab: 'incident-snooze', exportName: 'incidentSnoozeAction' },
    { connector: 'github', name: 'releases.list', flags: ['--read'], kebab: 'releases-list', exportName: 'releasesListAction' },
    { connector: 'demo', name: 'thing.archive', flags: ['--write'], kebab: 'thing-archive', exportName: 'thingArchiveAction' },
  ];
  const fileOf = (s: (typeof scaffolded)[number]) => `connectors/${s.connector}/actions/${s.kebab}.ts`;
  const testOf = (s: (typeof scaffolded)[number]) => `test/connectors/actions/${s.connector}-${s.kebab}.test.ts`;
  const outputs: string[] = [];

  it('writes the action and its test, lists it in the definition, and prints the next steps', () => {
    for (const s of scaffolded) {
      const result = newAction(s.connector, s.name, ...s.flags);
      assert.equal(result.status, 0, result.stderr);
      outputs.push(result.stdout);
      assert.match(result.stdout, new RegExp(`^created ${fileOf(s)}\ncreated ${testOf(s)}\nlisted ${s.exportName} in connectors/${s.connector}/definition\\.ts\n`));
      assert.match(result.stdout, /npx tsx scripts\/manifests\.ts generate && npx tsx scripts\/manifests\.ts sign/);
      assert.match(result.stdout, /npm run manifests:check/);
      assert.match(result.stdout, /npm test/);
    }
    // The version to bump to follows from the definition's: a new action is a minor release.
    const [major, minor] = serviceNowConnector.version.split('.').map(Number);
    const bump = `bump version in connectors/servicenow/definition.ts: ${serviceNowConnector.version} → ${major}.${minor! + 1}.0 (minor for a new action`;
    assert.ok(outputs[0]!.includes(bump), outputs[0]);
  });

  it('uses the connector\'s own define function and scope constants, else the framework\'s defineAction', async () => {
    const reopen = await read('connectors/servicenow/actions/incident-reopen.ts');
    assert.match(reopen, /import \{ defineServiceNowAction \} from '\.\.\/connection';/);
    assert.match(reopen, /kind: 'write'[\s\S]*scopes: \[serviceNowScopes\.incidentRead, serviceNowScopes\.incidentWrite\]/);
    assert.match(reopen, /approvalGate: 'external_write'[\s\S]*reversible: false/);
    assert.match(reopen, /async apply\(\) \{\n\s+throw new Error\(notImplemented\('apply'\)\);/);
    assert.match(await read('connectors/servicenow/actions/incident-snooze.ts'), /kind: 'read'[\s\S]*approvalGate: 'read_only'/);
    const releases = await read('connectors/github/actions/releases-list.ts');
    assert.match(releases, /export const releasesListAction = defineGitHubAction\(\{/);
    assert.match(releases, /scopes: \['pull_requests:read'\]/);
    const demo = await read('connectors/demo/actions/thing-archive.ts');
    assert.match(demo, /import \{ defineAction \} from '\.\.\/\.\.\/framework\/define-connector';/);
    assert.match(demo, /scopes: \['demo:read', 'demo:write'\]/);
  });

  it('adds one import and one list entry per action to the definition, leaving the rest as it was', async () => {
    const actionsLine = /^ {2}actions: \[(.*)\],$/m;
    const definition = await read('connectors/servicenow/definition.ts');
    const original = await readFile(join(defaultRepoRoot, 'connectors/servicenow/definition.ts'), 'utf8');
    const added = scaffolded.filter((x) => x.connector === 'servicenow');
    for (const s of added) {
      assert.equal(definition.split(`import { ${s.exportName} } from './actions/${s.kebab}';`).length, 2, `one import of ${s.exportName}`);
    }
    const listed = actionsLine.exec(definition)?.[1]?.split(', ');
    assert.deepEqual(listed, [...(actionsLine.exec(original)?.[1]?.split(', ') ?? []), ...added.map((s) => s.exportName)], 'appended in order, on the one line');
    const withoutAdded = definition.split('\n').filter((line) => !added.some((s) => line.includes(`import { ${s.exportName} }`)) && !actionsLine.test(line));
    assert.deepEqual(withoutAdded, original.split('\n').filter((line) => !actionsLine.test(line)));
    assert.match(await read('connectors/demo/definition.ts'), /actions: \[\n {4}thingArchiveAction,\n {2}\],/);
  });

  it('the result compiles, its tests pass, and the manifests generate with the new actions', async () => {
    const files = ['connectors/servicenow/definition.ts', 'connectors/github/definition.ts', 'connectors/demo/definition.ts', ...scaffolded.map(testOf)];
    await writeFile(join(root, 'tsconfig.scaffold.json'), JSON.stringify({ extends: './tsconfig.json', include: [], files }));
    const tsc = run(process.execPath, [join(defaultRepoRoot, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.scaffold.json'], root);
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
    const tests = run(process.execPath, ['--import', 'tsx', '--test', ...scaffolded.map(testOf)], root);
    assert.equal(tests.status, 0, tests.stdout + tests.stderr);
    assert.match(tests.stdout, new RegExp(`^# suites ${scaffolded.length}$[\\s\\S]*^# fail 0$`, 'm'), 'every scaffolded test file ran');
    const generate = run(process.execPath, ['--import', 'tsx', 'scripts/manifests.ts', 'generate'], root);
    assert.equal(generate.status, 0, generate.stdout + generate.stderr);
    for (const connector of ['servicenow', 'github']) {
      const manifest = JSON.parse(await read(`manifests/${connector}.json`)) as { actions: Array<{ actionId: string }> };
      const expected = scaffolded.filter((s) => s.connector === connector).map((s) => `${connector}.${s.name}`);
      assert.deepEqual(manifest.actions.map((a) => a.actionId).slice(-expected.length), expected);
    }
  });

  it('the scaffolded test fails when a declared fact changes', async () => {
    const path = 'connectors/servicenow/actions/incident-reopen.ts';
    await writeFile(join(root, path), (await read(path)).replace("approvalGate: 'external_write'", "approvalGate: 'workspace_write'"));
    const tests = run(process.execPath, ['--import', 'tsx', '--test', 'test/connectors/actions/servicenow-incident-reopen.test.ts'], root);
    assert.equal(tests.status, 1);
    assert.match(tests.stdout, /not ok \d+ - declares the facts its manifest entry is generated from/);
  });

  it('refuses with exit 2, and writes nothing, an existing action, a bad id, an unknown connector or an existing file', async () => {
    await writeFile(join(root, 'test/connectors/actions/servicenow-incident-close.test.ts'), '// someone else\'s\n');
    const before = await tree();
    const refusals: Array<[string[], RegExp]> = [
      [['servicenow', 'incident.get'], /servicenow\.incident\.get already exists/],
      [['servicenow', 'incident.reopen', '--write'], /servicenow\.incident\.reopen already exists/],
      [['servicenow', 'Incident.Reopen'], /is not <resource>\.<verb>/],
      [['servicenow', 'reopen'], /is not <resource>\.<verb>/],
      [['servicenow', 'servicenow.incident.reopen'], /starts with the connector id: give only <resource>\.<verb>, e\.g\. incident\.reopen/],
      [['Bad-Id', 'incident.reopen'], /"Bad-Id" is not a connector id/],
      [['jira', 'issue.get'], /unknown connector "jira": there is no connectors\/jira\/definition\.ts \(connectors with a definition: demo, github, servicenow, slack\)/],
      [['stripe', 'refunds.list'], /unknown connector "stripe"/],
      [['servicenow', 'incident.close'], /test\/connectors\/actions\/servicenow-incident-close\.test\.ts already exists: nothing was written/],
      [['servicenow'], /usage: npm run new:action/],
      [['servicenow', 'incident.x', '--read', '--write'], /--read or --write, not both/],
      [['servicenow', 'incident.x', '--delete'], /Unknown option '--delete'/],
    ];
    for (const [args, message] of refusals) {
      const result = newAction(...args);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, message);
    }
    assert.deepEqual(await tree(), before, 'no file was written or changed');
  });
});
