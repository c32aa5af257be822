/**
 * Verification of one connector artifact (manifest + signature + code on disk), in the order
 * that gives the truest reason: signature before content (a tampered manifest is a bad
 * signature, not merely "invalid"), content before code.
 */
import { computeImplementationDigest, ImplementationFileError, type ImplementationDigest } from './implementation-digest';
import { manifestPathFor, readJsonFile, signaturePathFor } from './manifest-files';
import type { ConnectorManifest } from './manifest-schema';
import { signatureFileSchema, verifyManifestSignature } from './signing';
import { lookupKey, trustDevelopmentKeysEnv, type KeyPurpose, type TrustStore } from './trust-store';
import type { ConnectorRefusal, RefusalReason } from './errors';
import { inspectManifest } from './validate-manifest';

/** What verification needs. */
export interface VerifyArtifactOptions {
  connectorId: string;
  manifestsDir: string;
  trustStore: TrustStore;
  trustDevelopmentKeys: boolean;
  /** Root the manifest's implementation file paths are relative to. */
  repoRoot: string;
}

/** A verified artifact, or why it was refused. */
export type ArtifactVerification =
  | { ok: true; manifest: ConnectorManifest; signedBy: { keyId: string; purpose: KeyPurpose } }
  | { ok: false; refusal: ConnectorRefusal };

/** Verifies one connector's manifest, signature and code. Never throws for a bad artifact. */
export async function verifyConnectorArtifact(options: VerifyArtifactOptions): Promise<ArtifactVerification> {
  const { connectorId } = options;
  const refuse = (reason: RefusalReason, message: string): ArtifactVerification => ({ ok: false, refusal: { connectorId, reason, message } });

  const manifestFile = await readJsonFile(manifestPathFor(options.manifestsDir, connectorId));
  if (manifestFile.status === 'missing') return refuse('unknown', `no manifest for connector "${connectorId}"`);
  if (manifestFile.status === 'invalid') return refuse('invalid_manifest', `manifest of "${connectorId}" cannot be read: ${manifestFile.error}`);

  const signatureFile = await readJsonFile(signaturePathFor(options.manifestsDir, connectorId));
  if (signatureFile.status === 'missing') return refuse('unsigned', `manifest of "${connectorId}" has no signature (${connectorId}.sig.json)`);
  if (signatureFile.status === 'invalid') return refuse('bad_signature', `signature of "${connectorId}" cannot be read: ${signatureFile.error}`);
  const signature = signatureFileSchema.safeParse(signatureFile.value);
  if (!signature.success) return refuse('bad_signature', `signature file of "${connectorId}" is malformed: ${signature.error.issues.map((i) => i.message).join('; ')}`);

  const lookup = lookupKey(options.trustStore, signature.data.keyId, options);
  if (lookup.status === 'unknown') {
    return refuse('untrusted_key', `manifest of "${connectorId}" is signed by key "${signature.data.keyId}", which is not in the trust store`);
  }
  if (lookup.status === 'development_not_trusted') {
    return refuse('untrusted_key', `manifest of "${connectorId}" is signed by development key "${signature.data.keyId}", and development keys are not trusted here (${trustDevelopmentKeysEnv}=true trusts them outside production)`);
  }
  if (!(await verifyManifestSignature(manifestFile.value, signature.data, lookup.key.publicKey))) {
    return refuse('bad_signature', `signature of "${connectorId}" by key "${signature.data.keyId}" does not match the manifest: the manifest or its signature was altered`);
  }

  const { manifest, problems } = inspectManifest(manifestFile.value);
  if (!manifest || problems.length > 0) {
    return refuse('invalid_manifest', `manifest of "${connectorId}" is invalid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  if (manifest.connectorId !== connectorId) {
    return refuse('invalid_manifest', `manifest file ${connectorId}.json declares connector "${manifest.connectorId}"`);
  }

  const codeProblem = await compareImplementation(manifest, options.repoRoot);
  if (codeProblem) return refuse('code_mismatch', `code of "${connectorId}" does not match its signed manifest: ${codeProblem}`);
  return { ok: true, manifest, signedBy: { keyId: lookup.key.keyId, purpose: lookup.key.purpose } };
}

/** Recomputes the digest of the signed file list from disk; describes the first difference, or undefined when the code matches. */
async function compareImplementation(manifest: ConnectorManifest, repoRoot: string): Promise<string | undefined> {
  let current: ImplementationDigest;
  try {
    current = await computeImplementationDigest(repoRoot, manifest.implementation.files.map((f) => f.path));
  } catch (err) {
    if (err instanceof ImplementationFileError) return err.message;
    throw err;
  }
  const changed = manifest.implementation.files
    .filter((signed) => current.files.find((f) => f.path === signed.path)?.sha256 !== signed.sha256)
    .map((f) => f.path);
  if (changed.length > 0) return `${changed.join(', ')} changed since signing`;
  // Files all match but the digest does not: the signed digest itself is inconsistent with its list.
  if (current.digest !== manifest.implementation.digest) return 'the implementation digest does not match the signed file list';
  return undefined;
}
