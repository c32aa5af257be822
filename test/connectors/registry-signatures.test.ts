/**
 * The registry refuses every untrusted artifact: unsigned, signed by an unknown key, signed by a
 * development key while those are not trusted, tampered manifest or signature, changed code, and
 * unknown connector ids. Release keys are generated in memory only: no release private key is
 * ever written to the repository.
 *
 * The tests run on a signed snapshot (see test/fixtures/signing/signed-snapshot.ts), so they test
 * the registry, not whether the committed manifests are current: `manifests-check.test.ts` does.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { appendFile, cp, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectorDefinitions } from '../../connectors/framework/catalog';
import { ConnectorRefusedError, type ConnectorRefusal, type RefusalReason } from '../../connectors/framework/errors';
import { manifestPathFor, signaturePathFor, trustStoreFileName } from '../../connectors/framework/manifest-files';
import { loadConnectorRegistry, type ConnectorRegistry } from '../../connectors/framework/registry';
import { defaultManifestsDir, developmentKeyPath } from '../../connectors/framework/repo-paths';
import { privateKeyFromPem, publicKeyOf, serializeSignature, signManifest } from '../../connectors/framework/signing';
import {
  loadTrustStore, parseTrustStore, trustDevelopmentKeysFromEnv, trustStoreEntryFor, TrustStoreError, type TrustStore,
} from '../../connectors/framework/trust-store';
import { createSignedSnapshot, TempDirs, type SignedSnapshot } from '../fixtures/signing/signed-snapshot';

/** Every connector the catalog ships, in the registry's (alphabetical) order. */
const shipped = connectorDefinitions.map((d) => d.connectorId).sort();

let committedStore: TrustStore;
let release: { privateKey: KeyObject; publicKey: KeyObject };
let storeWithRelease: TrustStore;
let snapshot: SignedSnapshot;
const temps = new TempDirs();

before(async () => {
  committedStore = await loadTrustStore(join(defaultManifestsDir, trustStoreFileName));
  release = generateKeyPairSync('ed25519');
  storeWithRelease = { keys: [...committedStore.keys, { keyId: 'test-release-1', publicKey: release.publicKey, purpose: 'release' }] };
  snapshot = await createSignedSnapshot(temps);
});
after(() => temps.removeAll());

/** A fresh copy of the signed manifests, to break. */
const copyManifests = (): Promise<string> => temps.copyOf(snapshot.manifestsDir, 'gatehouse-manifests-');

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

/** Signs the manifest file in `dir` with `key` under `keyId`, replacing its signature. */
async function resign(dir: string, connectorId: string, key: KeyObject, keyId: string): Promise<void> {
  const manifest = await readJson(manifestPathFor(dir, connectorId));
  await writeFile(signaturePathFor(dir, connectorId), serializeSignature(await signManifest(manifest, key, keyId)));
}

async function load(options: { manifestsDir: string; trustStore?: TrustStore; trustDevelopmentKeys: boolean; repoRoot?: string }): Promise<{
  registry: ConnectorRegistry; refusals: ConnectorRefusal[];
}> {
  const refusals: ConnectorRefusal[] = [];
  const registry = await loadConnectorRegistry({
    manifestsDir: options.manifestsDir,
    trustStore: options.trustStore ?? committedStore,
    trustDevelopmentKeys: options.trustDevelopmentKeys,
    repoRoot: options.repoRoot ?? snapshot.repoRoot,
    onRefusal: (r) => refusals.push(r),
  });
  return { registry, refusals };
}

function assertRefused(registry: ConnectorRegistry, connectorId: string, code: RefusalReason, message: RegExp): void {
  assert.throws(() => registry.get(connectorId), (err: unknown) => {
    assert.ok(err instanceof ConnectorRefusedError, `expected ConnectorRefusedError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.connectorId, connectorId);
    assert.match(err.message, message);
    return true;
  });
  assert.equal(registry.isInstallable(connectorId), false);
}

describe('connector registry', () => {
  it('accepts development-signed manifests when development keys are trusted', async () => {
    const { registry, refusals } = await load({ manifestsDir: await copyManifests(), trustDevelopmentKeys: true });
    assert.deepEqual(refusals, []);
    assert.deepEqual(registry.list().map((c) => c.connectorId), shipped);
    for (const definition of connectorDefinitions) {
      const id = definition.connectorId;
      assert.equal(registry.get(id).status, definition.status);
      assert.equal(registry.isInstallable(id), definition.status === 'available', `${id} is ${definition.status}: installable only when available`);
      assert.deepEqual(registry.get(id).manifest.actions.map((a) => a.actionId), definition.actions.map((a) => a.actionId), `${id} declares its definition's actions`);
    }
    assert.ok(shipped.some((id) => registry.isInstallable(id)), 'some connector is installable');
    assert.deepEqual(registry.get('servicenow').signedBy, { keyId: 'gatehouse-development-1', purpose: 'development' });
  });

  it('refuses development-signed manifests when development keys are not trusted', async () => {
    const { registry, refusals } = await load({ manifestsDir: await copyManifests(), trustDevelopmentKeys: false });
    assert.deepEqual(registry.list(), []);
    assert.deepEqual(refusals.map((r) => [r.connectorId, r.reason]), shipped.map((id) => [id, 'untrusted_key']));
    assertRefused(registry, 'servicenow', 'untrusted_key', /development key "gatehouse-development-1".*not trusted/);
  });

  it('accepts release-signed manifests without trusting development keys', async () => {
    const dir = await copyManifests();
    for (const id of shipped) await resign(dir, id, release.privateKey, 'test-release-1');
    const { registry, refusals } = await load({ manifestsDir: dir, trustStore: storeWithRelease, trustDevelopmentKeys: false });
    assert.deepEqual(refusals, []);
    assert.deepEqual(registry.get('slack').signedBy, { keyId: 'test-release-1', purpose: 'release' });
    assert.equal(registry.isInstallable('slack'), true);
  });

  it('refuses an unsigned manifest', async () => {
    const dir = await copyManifests();
    await unlink(signaturePathFor(dir, 'slack'));
    const { registry, refusals } = await load({ manifestsDir: dir, trustDevelopmentKeys: true });
    assert.deepEqual(refusals.map((r) => [r.connectorId, r.reason]), [['slack', 'unsigned']]);
    assertRefused(registry, 'slack', 'unsigned', /no signature/);
    assert.equal(registry.isInstallable('servicenow'), true, 'other connectors are unaffected');
  });

  it('refuses a manifest signed by a key that is not in the trust store', async () => {
    const dir = await copyManifests();
    const stranger = generateKeyPairSync('ed25519');
    await resign(dir, 'servicenow', stranger.privateKey, 'someone-else');
    const { registry, refusals } = await load({ manifestsDir: dir, trustDevelopmentKeys: true });
    assert.deepEqual(refusals.map((r) => r.reason), ['untrusted_key']);
    assertRefused(registry, 'servicenow', 'untrusted_key', /key "someone-else", which is not in the trust store/);
  });

  it('refuses a signature that claims a trusted key id but was made with another key', async () => {
    const dir = await copyManifests();
    const stranger = generateKeyPairSync('ed25519');
    await resign(dir, 'servicenow', stranger.privateKey, 'test-release-1');
    const { registry } = await load({ manifestsDir: dir, trustStore: storeWithRelease, trustDevelopmentKeys: false });
    assertRefused(registry, 'servicenow', 'bad_signature', /does not match the manifest/);
  });

  it('refuses a tampered manifest, but not a reformatted one', async () => {
    const dir = await copyManifests();
    const path = manifestPathFor(dir, 'servicenow');
    const manifest = await readJson(path);
    const actions = manifest['actions'] as { approvalGate: string }[];
    actions[1]!.approvalGate = 'workspace_write'; // quietly lower the gate of an external write
    await writeFile(path, JSON.stringify(manifest, null, 2));
    // Same content, other key order and whitespace: the canonical JSON, and so the signature, is unchanged.
    const slackPath = manifestPathFor(dir, 'slack');
    const slack = await readJson(slackPath);
    await writeFile(slackPath, JSON.stringify(Object.fromEntries(Object.entries(slack).reverse())));

    const { registry, refusals } = await load({ manifestsDir: dir, trustDevelopmentKeys: true });
    assert.deepEqual(refusals.map((r) => [r.connectorId, r.reason]), [['servicenow', 'bad_signature']]);
    assertRefused(registry, 'servicenow', 'bad_signature', /the manifest or its signature was altered/);
    assert.equal(registry.isInstallable('slack'), true);
  });

  it('refuses a tampered or malformed signature file', async () => {
    const dir = await copyManifests();
    const sigPath = signaturePathFor(dir, 'github');
    const sig = await readJson(sigPath);
    const bytes = Buffer.from(String(sig['signature']), 'base64');
    bytes[0] = bytes[0]! ^ 0x01;
    await writeFile(sigPath, JSON.stringify({ ...sig, signature: bytes.toString('base64') }));
    await writeFile(signaturePathFor(dir, 'slack'), JSON.stringify({ ...sig, algorithm: 'rsa' }));
    const { registry } = await load({ manifestsDir: dir, trustDevelopmentKeys: true });
    assertRefused(registry, 'github', 'bad_signature', /does not match/);
    assertRefused(registry, 'slack', 'bad_signature', /malformed/);
  });

  it('refuses a connector whose code changed since signing', async () => {
    const dir = await copyManifests();
    const repo = await temps.copyOf(snapshot.repoRoot, 'gatehouse-repo-');
    const before = await load({ manifestsDir: dir, trustDevelopmentKeys: true, repoRoot: repo });
    assert.deepEqual(before.refusals, [], 'the untouched copy verifies');

    await appendFile(join(repo, 'connectors/servicenow/client.ts'), '\n// harmless-looking change\n');
    await unlink(join(repo, 'connectors/slack/block-kit.ts'));
    const after = await load({ manifestsDir: dir, trustDevelopmentKeys: true, repoRoot: repo });
    assert.deepEqual(after.refusals.map((r) => [r.connectorId, r.reason]), [['servicenow', 'code_mismatch'], ['slack', 'code_mismatch']]);
    assertRefused(after.registry, 'servicenow', 'code_mismatch', /connectors\/servicenow\/client\.ts changed since signing/);
    assertRefused(after.registry, 'slack', 'code_mismatch', /connectors\/slack\/block-kit\.ts" cannot be read/);
    assert.equal(after.registry.isInstallable('github'), true);
  });

  it('refuses a validly signed manifest that breaks the manifest rules', async () => {
    const dir = await copyManifests();
    const path = manifestPathFor(dir, 'servicenow');
    const manifest = await readJson(path);
    manifest['scopes'] = [...(manifest['scopes'] as string[]), 'table:sys_user:write'];
    await writeFile(path, JSON.stringify(manifest));
    await resign(dir, 'servicenow', privateKeyFromPem(await readFile(developmentKeyPath, 'utf8')), 'gatehouse-development-1');
    const { registry } = await load({ manifestsDir: dir, trustDevelopmentKeys: true });
    assertRefused(registry, 'servicenow', 'invalid_manifest', /broader than its actions need: "table:sys_user:write"/);
  });

  it('refuses a signed manifest copied under another connector id', async () => {
    const dir = await copyManifests();
    await cp(manifestPathFor(dir, 'slack'), manifestPathFor(dir, 'slack_copy'));
    await cp(signaturePathFor(dir, 'slack'), signaturePathFor(dir, 'slack_copy'));
    const { registry } = await load({ manifestsDir: dir, trustDevelopmentKeys: true });
    assertRefused(registry, 'slack_copy', 'invalid_manifest', /declares connector "slack"/);
  });

  it('refuses unknown connectors and reports each attempt', async () => {
    const { registry, refusals } = await load({ manifestsDir: await copyManifests(), trustDevelopmentKeys: true });
    assertRefused(registry, 'jira', 'unknown', /unknown connector "jira"/);
    assert.deepEqual(refusals, [{ connectorId: 'jira', reason: 'unknown', message: 'unknown connector "jira": no manifest was loaded for it' }]);
  });
});

describe('trust store', () => {
  it('trusts development keys only when GATEHOUSE_TRUST_DEVELOPMENT_KEYS is exactly "true"', () => {
    assert.equal(trustDevelopmentKeysFromEnv({ GATEHOUSE_TRUST_DEVELOPMENT_KEYS: 'true' }), true);
    for (const value of [undefined, '', '1', 'TRUE', 'yes', 'false']) {
      assert.equal(trustDevelopmentKeysFromEnv({ GATEHOUSE_TRUST_DEVELOPMENT_KEYS: value }), false, `value ${String(value)}`);
    }
  });

  it('the committed store holds only the development key, whose private half is the committed fixture', async () => {
    assert.deepEqual(committedStore.keys.map((k) => [k.keyId, k.purpose]), [['gatehouse-development-1', 'development']]);
    const fixture = privateKeyFromPem(await readFile(developmentKeyPath, 'utf8'));
    assert.ok(committedStore.keys[0]!.publicKey.equals(publicKeyOf(fixture)));
  });

  it('accepts PEM and base64 SPKI keys, and refuses duplicates and non-Ed25519 keys', () => {
    const pem = trustStoreEntryFor('a', release.publicKey, 'release');
    const der = { keyId: 'b', purpose: 'release', publicKey: release.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
    assert.equal(parseTrustStore({ keys: [pem, der] }).keys.length, 2);
    assert.throws(() => parseTrustStore({ keys: [pem, { ...der, keyId: 'a' }] }), (e: unknown) => e instanceof TrustStoreError && /appears twice/.test(e.message));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => parseTrustStore({ keys: [{ keyId: 'r', purpose: 'release', publicKey: rsa }] }), (e: unknown) => e instanceof TrustStoreError && /Ed25519/.test(e.message));
    assert.throws(() => parseTrustStore({ keys: [{ ...pem, purpose: 'production' }] }), TrustStoreError);
  });
});
