/**
 * `scripts/manifests.ts`: `check` passes on the committed manifests, and detects drift (a
 * manifest that is not what the definitions generate), missing or untrusted signatures, stray
 * files and uncovered code; `generate` and `sign` are deterministic and refuse to sign drift.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cp, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectorDefinitions } from '../../connectors/framework/catalog';
import { checkManifests } from '../../connectors/framework/check-manifests';
import { generateManifests, type ConnectorProblem } from '../../connectors/framework/generate-manifests';
import { manifestPathFor, signaturePathFor, trustStoreFileName } from '../../connectors/framework/manifest-files';
import { defaultManifestsDir, defaultRepoRoot } from '../../connectors/framework/repo-paths';
import { signManifests } from '../../connectors/framework/sign-manifests';
import { loadTrustStore } from '../../connectors/framework/trust-store';
import type { ConnectorDefinition } from '../../connectors/framework/types';
import { serviceNowConnector } from '../../connectors/servicenow/definition';
import { createSignedSnapshot, TempDirs, type SignedSnapshot } from '../fixtures/signing/signed-snapshot';

const temps = new TempDirs();
let snapshot: SignedSnapshot;
before(async () => {
  snapshot = await createSignedSnapshot(temps);
});
after(() => temps.removeAll());

/** Runs the CLI as a developer would; GATEHOUSE_SIGNING_KEY is removed so the default key is used. */
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env['GATEHOUSE_SIGNING_KEY'];
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/manifests.ts', ...args], { cwd: defaultRepoRoot, encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `1.1.0` → `1.2.0`. */
function nextMinor(version: string): string {
  const [major, minor] = version.split('.').map(Number);
  assert.ok(Number.isInteger(major) && Number.isInteger(minor), `${version} is MAJOR.MINOR.PATCH`);
  return `${major}.${minor! + 1}.0`;
}

const describeProblems = (problems: readonly ConnectorProblem[]): string =>
  problems.map((p) => `  ${p.connectorId}: ${p.path}: ${p.message}`).join('\n') || '  (none)';

function check(options: { manifestsDir: string; repoRoot?: string; definitions?: readonly ConnectorDefinition[]; trustDevelopmentKeys?: boolean }) {
  return checkManifests({
    definitions: options.definitions ?? connectorDefinitions,
    repoRoot: options.repoRoot ?? snapshot.repoRoot,
    manifestsDir: options.manifestsDir,
    trustStore: snapshot.trustStore,
    trustDevelopmentKeys: options.trustDevelopmentKeys ?? true,
  });
}

describe('committed manifests', () => {
  it('pass `check` (run `generate` and `sign` after changing a definition or connector code)', async () => {
    const problems = await checkManifests({
      definitions: connectorDefinitions,
      repoRoot: defaultRepoRoot,
      manifestsDir: defaultManifestsDir,
      trustStore: await loadTrustStore(join(defaultManifestsDir, trustStoreFileName)),
      trustDevelopmentKeys: true,
    });
    assert.deepEqual(problems, [], `check found:\n${describeProblems(problems)}`);
  });

  it('`npx tsx scripts/manifests.ts check` exits 0 on them', () => {
    const result = cli('check');
    assert.equal(result.status, 0, result.stderr);
    assert.ok(result.stdout.startsWith(`ok: ${connectorDefinitions.length} manifests match their definitions`), result.stdout);
  });

  it('are development-signed, so `check --release` refuses them', () => {
    const result = cli('check', '--release');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /servicenow: servicenow\.sig\.json: untrusted_key: .*development key "gatehouse-development-1"/);
  });
});

describe('check on a signed snapshot', () => {
  it('passes when nothing changed', async () => {
    const problems = await check({ manifestsDir: snapshot.manifestsDir });
    assert.deepEqual(problems, [], describeProblems(problems));
  });

  it('detects drift when a definition changes but its manifest was not regenerated', async () => {
    const workNote = serviceNowConnector.actions.findIndex((a) => a.actionId === 'servicenow.incident.add_work_note');
    assert.ok(workNote >= 0);
    const edited: ConnectorDefinition = {
      ...serviceNowConnector,
      // A changed version, whatever the current one is: the next minor, as adding an action would make it.
      version: nextMinor(serviceNowConnector.version),
      actions: serviceNowConnector.actions.map((a, i) => (i === workNote ? { ...a, auditRequired: true, name: `${a.name} (renamed)` } : a)),
    };
    const definitions = connectorDefinitions.map((d) => (d.connectorId === 'servicenow' ? edited : d));
    const problems = await check({ manifestsDir: snapshot.manifestsDir, definitions });
    assert.deepEqual(problems.map((p) => p.connectorId), ['servicenow'], describeProblems(problems));
    assert.match(problems[0]!.message, new RegExp(`^drift: .* at actions\\[${workNote}\\]\\.name, version; run \`npx tsx scripts/manifests\\.ts generate\``));
  });

  it('CLI: detects drift in an edited manifest (and its broken signature), exit 1', async () => {
    const dir = await temps.copyOf(snapshot.manifestsDir, 'gatehouse-drift-');
    const path = manifestPathFor(dir, 'slack');
    const manifest = JSON.parse(await readFile(path, 'utf8')) as { actions: { approvalGate: string }[] };
    manifest.actions[0]!.approvalGate = 'workspace_write';
    await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);

    const result = cli('check', '--manifests-dir', dir, '--repo-root', snapshot.repoRoot);
    assert.equal(result.status, 1, result.stdout);
    assert.match(result.stderr, /manifest check failed \(2 problems\)/);
    assert.match(result.stderr, /slack: slack\.json: drift: .* at actions\[0\]\.approvalGate/);
    assert.match(result.stderr, /slack: slack\.sig\.json: bad_signature/);
  });

  it('detects a reformatted manifest (drift in formatting only; the signature still holds)', async () => {
    const dir = await temps.copyOf(snapshot.manifestsDir, 'gatehouse-format-');
    const path = manifestPathFor(dir, 'github');
    await writeFile(path, JSON.stringify(JSON.parse(await readFile(path, 'utf8'))));
    const problems = await check({ manifestsDir: dir });
    assert.deepEqual(problems.map((p) => [p.connectorId, p.path]), [['github', 'github.json']], describeProblems(problems));
    assert.match(problems[0]!.message, /formatted differently/);
  });

  it('detects changed code (drift in the digest, and a code mismatch)', async () => {
    const repo = await temps.copyOf(snapshot.repoRoot, 'gatehouse-repo-');
    await writeFile(join(repo, 'connectors/planned/stripe.ts'), '// replaced\n');
    const problems = await check({ manifestsDir: snapshot.manifestsDir, repoRoot: repo });
    assert.ok(problems.some((p) => p.path === 'stripe.json' && /implementation\.files\[0\]\.sha256 \(connectors\/planned\/stripe\.ts\)/.test(p.message)), describeProblems(problems));
    assert.ok(problems.some((p) => p.path === 'stripe.sig.json' && /^code_mismatch: .*connectors\/planned\/stripe\.ts changed since signing/.test(p.message)), describeProblems(problems));
  });

  it('reports missing manifests and signatures, stray manifests and orphan signatures', async () => {
    const dir = await temps.copyOf(snapshot.manifestsDir, 'gatehouse-stray-');
    await unlink(manifestPathFor(dir, 'gmail'));
    await unlink(signaturePathFor(dir, 'stripe'));
    await cp(manifestPathFor(dir, 'slack'), manifestPathFor(dir, 'teams'));
    const problems = await check({ manifestsDir: dir });
    const found = problems.map((p) => [p.connectorId, p.path, p.message.split(':')[0]]);
    assert.deepEqual(found, [
      ['gmail', 'gmail.json', 'manifest is missing'],
      ['stripe', 'stripe.sig.json', 'unsigned'],
      ['teams', 'teams.json', 'no definition generates this manifest'],
      ['teams', 'teams.sig.json', 'unsigned'],
      ['gmail', 'gmail.sig.json', 'signature without a manifest'],
    ], describeProblems(problems));
  });

  it('reports code next to a connector that no signature covers', async () => {
    const repo = await temps.copyOf(snapshot.repoRoot, 'gatehouse-repo-');
    await writeFile(join(repo, 'connectors/planned/jira.ts'), 'export {};\n');
    const problems = await check({ manifestsDir: snapshot.manifestsDir, repoRoot: repo });
    assert.deepEqual(problems.map((p) => p.path), ['connectors/planned/jira.ts'], describeProblems(problems));
    assert.match(problems[0]!.message, /not in any connector's implementationFiles/);
  });
});

describe('generate and sign', () => {
  it('generate is deterministic and sign reproduces the same signatures (Ed25519 is deterministic)', async () => {
    const dir = await temps.make('gatehouse-regen-');
    await cp(join(snapshot.manifestsDir, trustStoreFileName), join(dir, trustStoreFileName));
    const first = cli('generate', '--manifests-dir', dir, '--repo-root', snapshot.repoRoot);
    assert.equal(first.status, 0, first.stderr);
    assert.ok(first.stdout.startsWith(`wrote ${connectorDefinitions.map((d) => `${d.connectorId}.json`).join(', ')}; now run \`sign\``), first.stdout);
    const again = cli('generate', '--manifests-dir', dir, '--repo-root', snapshot.repoRoot);
    assert.match(again.stdout, /all manifests are up to date/);
    const signed = cli('sign', '--manifests-dir', dir, '--repo-root', snapshot.repoRoot);
    assert.equal(signed.status, 0, signed.stderr);
    assert.ok(signed.stdout.includes(`signed ${connectorDefinitions.length} manifests with key "gatehouse-development-1" (development)`), signed.stdout);
    const names = (await readdir(snapshot.manifestsDir)).sort();
    assert.deepEqual((await readdir(dir)).sort(), names);
    for (const name of names) {
      assert.equal(await readFile(join(dir, name), 'utf8'), await readFile(join(snapshot.manifestsDir, name), 'utf8'), name);
    }
  });

  it('sign refuses to sign a manifest that differs from its definition', async () => {
    const dir = await temps.copyOf(snapshot.manifestsDir, 'gatehouse-sign-');
    const path = manifestPathFor(dir, 'servicenow');
    const manifest = JSON.parse(await readFile(path, 'utf8')) as { riskLevel: string };
    manifest.riskLevel = 'low';
    await writeFile(path, JSON.stringify(manifest, null, 2));
    const signatureBefore = await readFile(signaturePathFor(dir, 'servicenow'), 'utf8');
    const result = cli('sign', '--manifests-dir', dir, '--repo-root', snapshot.repoRoot);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /nothing signed.*\n.*servicenow: servicenow\.json: .*differs from what the definition generates: run `generate` first/);
    assert.equal(await readFile(signaturePathFor(dir, 'servicenow'), 'utf8'), signatureBefore, 'no signature was written');
  });

  it('sign refuses a key that is not in the trust store', async () => {
    const dir = await temps.copyOf(snapshot.manifestsDir, 'gatehouse-sign-');
    const keyFile = join(await temps.make('gatehouse-key-'), 'stray.pem');
    await writeFile(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const result = cli('sign', '--key', keyFile, '--manifests-dir', dir, '--repo-root', snapshot.repoRoot);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /public half is not in the trust store/);
    const viaApi = await signManifests({
      definitions: connectorDefinitions, repoRoot: snapshot.repoRoot, manifestsDir: dir, trustStore: snapshot.trustStore,
      privateKey: generateKeyPairSync('ed25519').privateKey,
    });
    assert.deepEqual(viaApi.signed, []);
  });

  it('generate writes nothing when a definition is invalid', async () => {
    const dir = await temps.make('gatehouse-invalid-');
    const broken: ConnectorDefinition = { ...serviceNowConnector, scopes: [...serviceNowConnector.scopes, 'table:sys_user:write'] };
    const result = await generateManifests({ definitions: [broken], repoRoot: snapshot.repoRoot, manifestsDir: dir });
    assert.deepEqual(result.written, []);
    assert.match(result.problems[0]?.message ?? '', /"table:sys_user:write" is not needed by any action/);
    assert.deepEqual(await readdir(dir), []);
  });

  it('trust-entry prints only the public half of a key', async () => {
    const keyFile = join(await temps.make('gatehouse-key-'), 'release.pem');
    await writeFile(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const result = cli('trust-entry', '--key', keyFile, '--key-id', 'acme-release-2025');
    assert.equal(result.status, 0, result.stderr);
    const entry = JSON.parse(result.stdout) as { keyId: string; purpose: string; publicKey: string };
    assert.equal(entry.keyId, 'acme-release-2025');
    assert.equal(entry.purpose, 'release');
    assert.match(entry.publicKey, /^-----BEGIN PUBLIC KEY-----/);
    assert.doesNotMatch(result.stdout, /PRIVATE KEY/);
  });

  it('usage errors exit 2', () => {
    assert.equal(cli('publish').status, 2);
    assert.equal(cli('check', '--no-such-option').status, 2);
    assert.equal(cli().status, 2);
  });
});
