/**
 * Connector manifests CLI (see docs/connector-manifests.md):
 *
 *   npx tsx scripts/manifests.ts generate              definitions → manifests/<id>.json
 *   npx tsx scripts/manifests.ts sign [--key <pem>]    sign them (default key: $GATEHOUSE_SIGNING_KEY, else the development key)
 *   npx tsx scripts/manifests.ts check [--release]     CI gate: drift, validity, signatures, code digests
 *   npx tsx scripts/manifests.ts trust-entry --key <pem> --key-id <id> [--purpose release|development]
 *
 * Options for every command: --manifests-dir <dir> (default manifests/), --repo-root <dir>.
 * Exit codes: 0 ok, 1 problems found, 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connectorDefinitions } from '../connectors/framework/catalog';
import { checkManifests } from '../connectors/framework/check-manifests';
import { generateManifests, type ConnectorProblem } from '../connectors/framework/generate-manifests';
import { trustStoreFileName } from '../connectors/framework/manifest-files';
import { defaultManifestsDir, defaultRepoRoot, developmentKeyPath } from '../connectors/framework/repo-paths';
import { signManifests } from '../connectors/framework/sign-manifests';
import { privateKeyFromPem, publicKeyOf, signingKeyEnv } from '../connectors/framework/signing';
import { keyPurposes, loadTrustStore, trustStoreEntryFor, type KeyPurpose } from '../connectors/framework/trust-store';

const usage = `usage: npx tsx scripts/manifests.ts <generate | sign [--key <pem>] | check [--release] | trust-entry --key <pem> --key-id <id> [--purpose release|development]>
       [--manifests-dir <dir>] [--repo-root <dir>]`;

class UsageError extends Error {}

function printProblems(title: string, problems: readonly ConnectorProblem[]): void {
  console.error(`${title} (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
  for (const p of problems) console.error(`  ${p.connectorId}: ${p.path}: ${p.message}`);
}

/** The signing key: --key file, else $GATEHOUSE_SIGNING_KEY (the release job's secret), else the development key. */
async function signingKey(keyFile: string | undefined): Promise<{ pem: string; source: string }> {
  if (keyFile) return { pem: await readFile(keyFile, 'utf8'), source: keyFile };
  const fromEnv = process.env[signingKeyEnv];
  if (fromEnv && fromEnv.trim() !== '') return { pem: fromEnv, source: `$${signingKeyEnv}` };
  return { pem: await readFile(developmentKeyPath, 'utf8'), source: `${relative(process.cwd(), developmentKeyPath)} (development key)` };
}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        key: { type: 'string' },
        'key-id': { type: 'string' },
        purpose: { type: 'string' },
        release: { type: 'boolean', default: false },
        'manifests-dir': { type: 'string' },
        'repo-root': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    // Unknown or malformed options are usage errors (exit 2), not failed checks.
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv);
  const command = positionals[0];
  if (values.help || !command || positionals.length > 1) throw new UsageError(usage);
  const repoRoot = resolve(values['repo-root'] ?? defaultRepoRoot);
  const manifestsDir = resolve(values['manifests-dir'] ?? defaultManifestsDir);
  const base = { definitions: connectorDefinitions, repoRoot, manifestsDir };

  switch (command) {
    case 'generate': {
      const { written, problems } = await generateManifests(base);
      if (problems.length > 0) {
        printProblems('nothing written: the definitions do not produce valid manifests', problems);
        return 1;
      }
      console.log(written.length ? `wrote ${written.map((id) => `${id}.json`).join(', ')}; now run \`sign\`` : 'all manifests are up to date');
      return 0;
    }
    case 'sign': {
      const key = await signingKey(values.key);
      const result = await signManifests({ ...base, trustStore: await loadTrustStore(join(manifestsDir, trustStoreFileName)), privateKey: privateKeyFromPem(key.pem) });
      if (result.problems.length > 0) {
        printProblems('nothing signed', result.problems);
        return 1;
      }
      console.log(`signed ${result.signed.length} manifests with key "${result.key?.keyId}" (${result.key?.purpose}) from ${key.source}`);
      return 0;
    }
    case 'check': {
      const problems = await checkManifests({
        ...base,
        trustStore: await loadTrustStore(join(manifestsDir, trustStoreFileName)),
        trustDevelopmentKeys: !values.release,
      });
      if (problems.length > 0) {
        printProblems('manifest check failed', problems);
        return 1;
      }
      console.log(`ok: ${connectorDefinitions.length} manifests match their definitions, are valid, signed by trusted ${values.release ? 'release ' : ''}keys, and their code digests match`);
      return 0;
    }
    case 'trust-entry': {
      if (!values.key || !values['key-id']) throw new UsageError(`trust-entry needs --key and --key-id\n${usage}`);
      const purpose = values.purpose ?? 'release';
      if (!(keyPurposes as readonly string[]).includes(purpose)) throw new UsageError(`--purpose must be one of ${keyPurposes.join(', ')}`);
      const publicKey = publicKeyOf(privateKeyFromPem(await readFile(values.key, 'utf8')));
      // Only the public half is printed: this is what goes into manifests/trust-store.json.
      console.log(JSON.stringify(trustStoreEntryFor(values['key-id'], publicKey, purpose as KeyPurpose), null, 2));
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n${usage}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    console.error(err instanceof UsageError ? err.message : `error: ${(err as Error).message}`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
