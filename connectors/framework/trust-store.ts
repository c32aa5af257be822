/**
 * The public keys manifest signatures are checked against (`manifests/trust-store.json`).
 * `release` keys are always trusted; `development` keys only when the runtime is told so, so a
 * manifest signed with the committed development key never passes in production by accident.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** What a key may be used for. */
export const keyPurposes = ['release', 'development'] as const;
/** What a key may be used for. */
export type KeyPurpose = (typeof keyPurposes)[number];

/** The environment variable that makes the runtime trust development keys (exactly `true`). */
export const trustDevelopmentKeysEnv = 'GATEHOUSE_TRUST_DEVELOPMENT_KEYS';

/** One trusted public key. */
export interface TrustedKey {
  keyId: string;
  publicKey: KeyObject;
  purpose: KeyPurpose;
}

/** A parsed trust store. */
export interface TrustStore {
  keys: readonly TrustedKey[];
}

/** The trust store file. `publicKey` is PEM (`-----BEGIN PUBLIC KEY-----`) or base64 DER SubjectPublicKeyInfo. */
export const trustStoreFileSchema = z.strictObject({
  $comment: z.string().optional(),
  keys: z.array(z.strictObject({
    keyId: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be 1-100 letters, digits, ".", "_", ":" or "-"'),
    publicKey: z.string().min(1),
    purpose: z.enum(keyPurposes),
  })),
});
/** One entry of the trust store file. */
export type TrustStoreEntry = z.infer<typeof trustStoreFileSchema>['keys'][number];

/** Thrown for a trust store that cannot be read or parsed; the runtime must not start with it. */
export class TrustStoreError extends Error {
  override readonly name = 'TrustStoreError';
}

/** Parses an Ed25519 public key from PEM or base64 SPKI DER; throws for anything else. */
export function publicKeyFromText(text: string): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.includes('-----BEGIN')
    ? createPublicKey(trimmed)
    : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new TrustStoreError(`expected an Ed25519 public key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/** Parses the trust store file's JSON. Throws {@link TrustStoreError} on any problem. */
export function parseTrustStore(json: unknown): TrustStore {
  const parsed = trustStoreFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new TrustStoreError(`invalid trust store: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const keys: TrustedKey[] = [];
  for (const entry of parsed.data.keys) {
    if (keys.some((k) => k.keyId === entry.keyId)) throw new TrustStoreError(`invalid trust store: key id "${entry.keyId}" appears twice`);
    let publicKey: KeyObject;
    try {
      publicKey = publicKeyFromText(entry.publicKey);
    } catch (err) {
      throw new TrustStoreError(`invalid trust store: key "${entry.keyId}" is not a usable Ed25519 public key (${(err as Error).message})`);
    }
    keys.push({ keyId: entry.keyId, publicKey, purpose: entry.purpose });
  }
  return { keys };
}

/** Reads and parses a trust store file. */
export async function loadTrustStore(path: string): Promise<TrustStore> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TrustStoreError(`trust store ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return parseTrustStore(JSON.parse(text));
  } catch (err) {
    if (err instanceof TrustStoreError) throw err;
    throw new TrustStoreError(`trust store ${path} is not JSON: ${(err as Error).message}`);
  }
}

/** True only when `GATEHOUSE_TRUST_DEVELOPMENT_KEYS` is exactly `true`. */
export function trustDevelopmentKeysFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[trustDevelopmentKeysEnv] === 'true';
}

/** The result of looking a signature's key id up in the trust store. */
export type KeyLookup =
  | { status: 'trusted'; key: TrustedKey }
  | { status: 'unknown' }
  | { status: 'development_not_trusted'; key: TrustedKey };

/** Finds the key a signature names, applying the development-key rule. */
export function lookupKey(store: TrustStore, keyId: string, options: { trustDevelopmentKeys: boolean }): KeyLookup {
  const key = store.keys.find((k) => k.keyId === keyId);
  if (!key) return { status: 'unknown' };
  if (key.purpose === 'development' && !options.trustDevelopmentKeys) return { status: 'development_not_trusted', key };
  return { status: 'trusted', key };
}

/** The trust store entry of a key whose public half equals `publicKey`, if any. */
export function findKeyByPublicKey(store: TrustStore, publicKey: KeyObject): TrustedKey | undefined {
  return store.keys.find((k) => k.publicKey.equals(publicKey));
}

/** A trust store file entry for a public key, with the key as PEM. */
export function trustStoreEntryFor(keyId: string, publicKey: KeyObject, purpose: KeyPurpose): TrustStoreEntry {
  return { keyId, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString().trim(), purpose };
}
