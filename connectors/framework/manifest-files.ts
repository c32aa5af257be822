/**
 * Where manifests, signatures and the trust store live in a manifests directory, and which files
 * in it are manifests (`<connectorId>.json`; not `*.sig.json`, not `trust-store.json`).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The trust store's file name inside the manifests directory. */
export const trustStoreFileName = 'trust-store.json';
const signatureSuffix = '.sig.json';

/** `manifests/<connectorId>.json` */
export function manifestPathFor(manifestsDir: string, connectorId: string): string {
  return join(manifestsDir, `${connectorId}.json`);
}

/** `manifests/<connectorId>.sig.json` */
export function signaturePathFor(manifestsDir: string, connectorId: string): string {
  return join(manifestsDir, `${connectorId}${signatureSuffix}`);
}

/** The connector ids of every manifest file in the directory, sorted. */
export async function listManifestIds(manifestsDir: string): Promise<string[]> {
  const names = await readdir(manifestsDir);
  return names
    .filter((n) => n.endsWith('.json') && !n.endsWith(signatureSuffix) && n !== trustStoreFileName)
    .map((n) => n.slice(0, -'.json'.length))
    .sort();
}

/** The connector ids of every signature file in the directory, sorted. */
export async function listSignatureIds(manifestsDir: string): Promise<string[]> {
  const names = await readdir(manifestsDir);
  return names.filter((n) => n.endsWith(signatureSuffix)).map((n) => n.slice(0, -signatureSuffix.length)).sort();
}

/** The result of reading a JSON file: absent, unparsable, or its value. */
export type JsonFileRead = { status: 'missing' } | { status: 'invalid'; error: string } | { status: 'ok'; value: unknown };

/** Reads and parses a JSON file without throwing for the expected failures. */
export async function readJsonFile(path: string): Promise<JsonFileRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return { status: 'invalid', error: (err as Error).message };
  }
  try {
    return { status: 'ok', value: JSON.parse(text) as unknown };
  } catch (err) {
    return { status: 'invalid', error: `not JSON: ${(err as Error).message}` };
  }
}
