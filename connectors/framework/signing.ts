/**
 * Ed25519 signatures over the RFC 8785 canonical JSON of a manifest, stored next to it as
 * `manifests/<connectorId>.sig.json`. Canonical JSON makes the signature independent of key order
 * and whitespace, so reformatting a manifest never breaks it while changing any value does.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json';

/** The environment variable holding the release signing key (PEM) in the release job. */
export const signingKeyEnv = 'GATEHOUSE_SIGNING_KEY';

/** The signature file. */
export const signatureFileSchema = z.strictObject({
  keyId: z.string().min(1),
  algorithm: z.literal('ed25519'),
  signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
});
/** A parsed signature file. */
export type ManifestSignature = z.infer<typeof signatureFileSchema>;

/** Parses an Ed25519 private key from PEM (text before `-----BEGIN` is ignored, so keys can carry a label). */
export function privateKeyFromPem(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`expected an Ed25519 private key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/** The public half of a private key. */
export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey);
}

/** The exact bytes that are signed: the canonical JSON of the manifest as parsed from its file. */
export async function signedBytes(manifest: unknown): Promise<Buffer> {
  return Buffer.from(await canonicalJson(manifest), 'utf8');
}

/** Signs a manifest with `privateKey`, naming `keyId` (the trust store entry of its public half). */
export async function signManifest(manifest: unknown, privateKey: KeyObject, keyId: string): Promise<ManifestSignature> {
  // Ed25519 hashes internally: Node requires the digest algorithm to be null.
  const signature = sign(null, await signedBytes(manifest), privateKey);
  return { keyId, algorithm: 'ed25519', signature: signature.toString('base64') };
}

/** True when `signature` is a valid Ed25519 signature of `manifest` by `publicKey`. */
export async function verifyManifestSignature(manifest: unknown, signature: ManifestSignature, publicKey: KeyObject): Promise<boolean> {
  const bytes = Buffer.from(signature.signature, 'base64');
  if (bytes.length !== 64) return false;
  return verify(null, await signedBytes(manifest), publicKey, bytes);
}

/** The signature file text. */
export function serializeSignature(signature: ManifestSignature): string {
  return `${JSON.stringify(signature, null, 2)}\n`;
}
