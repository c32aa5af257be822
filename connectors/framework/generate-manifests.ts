/**
 * `generate`: definitions → manifest files. All-or-nothing: when any definition or manifest is
 * invalid nothing is written, so the directory never holds a half-updated set.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { buildManifest, serializeManifest } from './manifest';
import { manifestPathFor } from './manifest-files';
import type { ConnectorManifest } from './manifest-schema';
import type { ManifestProblem } from './problem';
import type { ConnectorDefinition } from './types';
import { validateDefinition } from './validate-definition';
import { validateManifest } from './validate-manifest';

/** A problem found while generating or checking, with the connector it belongs to. */
export interface ConnectorProblem extends ManifestProblem {
  /** Connector id, or a file name for problems that belong to no connector. */
  connectorId: string;
}

/** Builds and validates every definition's manifest in memory. */
export async function buildAllManifests(definitions: readonly ConnectorDefinition[], repoRoot: string): Promise<{
  manifests: ConnectorManifest[];
  problems: ConnectorProblem[];
}> {
  const manifests: ConnectorManifest[] = [];
  const problems: ConnectorProblem[] = [];
  const seen = new Set<string>();
  for (const definition of definitions) {
    const connectorId = definition.connectorId;
    if (seen.has(connectorId)) problems.push({ connectorId, path: 'connectorId', message: 'two definitions use this connector id' });
    seen.add(connectorId);
    const definitionProblems = validateDefinition(definition);
    problems.push(...definitionProblems.map((p) => ({ ...p, connectorId })));
    if (definitionProblems.length > 0) continue;
    let manifest: ConnectorManifest;
    try {
      manifest = await buildManifest(definition, repoRoot);
    } catch (err) {
      problems.push({ connectorId, path: 'implementationFiles', message: (err as Error).message });
      continue;
    }
    problems.push(...validateManifest(manifest).map((p) => ({ ...p, connectorId })));
    manifests.push(manifest);
  }
  return { manifests, problems };
}

/** Writes `manifests/<id>.json` for every definition; returns the ids whose file changed. */
export async function generateManifests(options: {
  definitions: readonly ConnectorDefinition[];
  repoRoot: string;
  manifestsDir: string;
}): Promise<{ written: string[]; problems: ConnectorProblem[] }> {
  const { manifests, problems } = await buildAllManifests(options.definitions, options.repoRoot);
  if (problems.length > 0) return { written: [], problems };
  await mkdir(options.manifestsDir, { recursive: true });
  const written: string[] = [];
  for (const manifest of manifests) {
    const path = manifestPathFor(options.manifestsDir, manifest.connectorId);
    const text = serializeManifest(manifest);
    const current = await readFile(path, 'utf8').catch(() => undefined);
    // Rewriting an unchanged file would only touch its mtime; report real changes only.
    if (current === text) continue;
    await writeFile(path, text);
    written.push(manifest.connectorId);
  }
  return { written, problems: [] };
}
