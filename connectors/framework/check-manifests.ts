/**
 * `check`, the CI gate: the committed manifests are exactly what the definitions generate (no
 * drift), valid, signed by a trusted key, their code digests match the files, and no code file
 * next to a connector's code escapes the signature. Returns every problem rather than stopping
 * at the first, so one CI run shows everything to fix.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { codeFilePattern } from './code-files';
import { buildAllManifests, type ConnectorProblem } from './generate-manifests';
import { differingPaths } from './json-diff';
import { serializeManifest } from './manifest';
import { listManifestIds, listSignatureIds, manifestPathFor, readJsonFile } from './manifest-files';
import type { TrustStore } from './trust-store';
import type { ConnectorDefinition } from './types';
import { verifyConnectorArtifact } from './verify-artifact';

/** What `check` compares. */
export interface CheckOptions {
  definitions: readonly ConnectorDefinition[];
  repoRoot: string;
  manifestsDir: string;
  trustStore: TrustStore;
  /** The CLI trusts development keys unless `--release` is given (the committed manifests are development-signed). */
  trustDevelopmentKeys: boolean;
}

const regenerate = 'run `npx tsx scripts/manifests.ts generate` then `sign`, and commit the result';

/** Code files in the directories that hold connector code but are listed by no connector. */
async function uncoveredCodeFiles(definitions: readonly ConnectorDefinition[], repoRoot: string): Promise<ConnectorProblem[]> {
  const covered = new Set(definitions.flatMap((d) => d.implementationFiles));
  const directories = [...new Set([...covered].map((path) => dirname(path)))].sort();
  const problems: ConnectorProblem[] = [];
  for (const dir of directories) {
    const names = await readdir(join(repoRoot, dir)).catch(() => [] as string[]);
    for (const name of names.filter((n) => codeFilePattern.test(n)).sort()) {
      const path = `${dir}/${name}`;
      if (!covered.has(path)) {
        problems.push({ connectorId: dir, path, message: `code file next to connector code is not in any connector's implementationFiles, so no signature covers it: add it to the connector's definition` });
      }
    }
  }
  return problems;
}

/** Every problem with the manifests directory (empty when `check` passes). */
export async function checkManifests(options: CheckOptions): Promise<ConnectorProblem[]> {
  const { manifests, problems } = await buildAllManifests(options.definitions, options.repoRoot);
  const expectedIds = new Set(options.definitions.map((d) => d.connectorId));

  for (const expected of manifests) {
    const id = expected.connectorId;
    const path = manifestPathFor(options.manifestsDir, id);
    const committed = await readJsonFile(path);
    if (committed.status === 'missing') {
      problems.push({ connectorId: id, path: `${id}.json`, message: `manifest is missing: ${regenerate}` });
      continue;
    }
    if (committed.status === 'invalid') {
      problems.push({ connectorId: id, path: `${id}.json`, message: `manifest cannot be read (${committed.error}): ${regenerate}` });
      continue;
    }
    // Name the file behind an implementation.files[i] path: "which code changed" is the useful part.
    const diff = differingPaths(committed.value, expected).map((at) => {
      const index = /^implementation\.files\[(\d+)\]/.exec(at)?.[1];
      const file = index === undefined ? undefined : expected.implementation.files[Number(index)];
      return file ? `${at} (${file.path})` : at;
    });
    if (diff.length > 0) {
      problems.push({ connectorId: id, path: `${id}.json`, message: `drift: the committed manifest differs from what the definition generates at ${diff.join(', ')}; ${regenerate}` });
    } else if ((await readFile(path, 'utf8')) !== serializeManifest(expected)) {
      problems.push({ connectorId: id, path: `${id}.json`, message: `drift: the committed manifest is formatted differently from the generator's output; ${regenerate}` });
    }
  }

  for (const id of await listManifestIds(options.manifestsDir)) {
    if (!expectedIds.has(id)) problems.push({ connectorId: id, path: `${id}.json`, message: 'no definition generates this manifest: delete it or add the definition to connectors/framework/catalog.ts' });
    const verification = await verifyConnectorArtifact({ ...options, connectorId: id });
    if (!verification.ok) problems.push({ connectorId: id, path: `${id}.sig.json`, message: `${verification.refusal.reason}: ${verification.refusal.message}` });
  }
  const manifestIds = new Set(await listManifestIds(options.manifestsDir));
  for (const id of await listSignatureIds(options.manifestsDir)) {
    if (!manifestIds.has(id)) problems.push({ connectorId: id, path: `${id}.sig.json`, message: 'signature without a manifest: delete it' });
  }

  problems.push(...(await uncoveredCodeFiles(options.definitions, options.repoRoot)));
  return problems;
}
