/**
 * `sign`: signs the committed manifests with one key. It refuses to sign anything that is not
 * exactly what the definitions generate, so a hand-edited manifest can never get a signature,
 * and refuses keys whose public half is not in the trust store (the signature would name no key).
 */
import { writeFile } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { buildAllManifests, type ConnectorProblem } from './generate-manifests';
import { differingPaths } from './json-diff';
import { manifestPathFor, readJsonFile, signaturePathFor } from './manifest-files';
import { publicKeyOf, serializeSignature, signManifest } from './signing';
import { findKeyByPublicKey, type KeyPurpose, type TrustStore } from './trust-store';
import type { ConnectorDefinition } from './types';

/** What `sign` needs. */
export interface SignOptions {
  definitions: readonly ConnectorDefinition[];
  repoRoot: string;
  manifestsDir: string;
  trustStore: TrustStore;
  privateKey: KeyObject;
}

/** The outcome: which manifests were signed, with which key, or why none were. */
export interface SignResult {
  signed: string[];
  key?: { keyId: string; purpose: KeyPurpose };
  problems: ConnectorProblem[];
}

/** Signs every definition's manifest file; writes nothing when any manifest is invalid or stale. */
export async function signManifests(options: SignOptions): Promise<SignResult> {
  const key = findKeyByPublicKey(options.trustStore, publicKeyOf(options.privateKey));
  if (!key) {
    return {
      signed: [],
      problems: [{ connectorId: '(key)', path: 'trust-store.json', message: 'the signing key\'s public half is not in the trust store: add it first (`npx tsx scripts/manifests.ts trust-entry --key <pem> --key-id <id> --purpose release`)' }],
    };
  }
  const { manifests, problems } = await buildAllManifests(options.definitions, options.repoRoot);
  const files: { id: string; value: unknown }[] = [];
  for (const expected of manifests) {
    const id = expected.connectorId;
    const committed = await readJsonFile(manifestPathFor(options.manifestsDir, id));
    if (committed.status !== 'ok' || differingPaths(committed.value, expected, 1).length > 0) {
      problems.push({ connectorId: id, path: `${id}.json`, message: 'the manifest file is missing or differs from what the definition generates: run `generate` first' });
      continue;
    }
    files.push({ id, value: committed.value });
  }
  if (problems.length > 0) return { signed: [], problems };

  for (const file of files) {
    const signature = await signManifest(file.value, options.privateKey, key.keyId);
    await writeFile(signaturePathFor(options.manifestsDir, file.id), serializeSignature(signature));
  }
  return { signed: files.map((f) => f.id), key: { keyId: key.keyId, purpose: key.purpose }, problems: [] };
}
