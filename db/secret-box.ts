/**
 * AES-256-GCM sealing under a 32-byte key that never enters the database: the master key,
 * which wraps tenants' data keys (tenant-data-keys-repo.ts), and each data key, which seals its
 * tenant's secrets. Rotation: values are sealed under the current key and opened under any key
 * of the ring (the current one and GATEHOUSE_PREVIOUS_MASTER_KEYS), so a new master key can be
 * deployed while keys wrapped under the old one stay readable until `npm run keys:rotate`
 * re-wraps them. Errors name key ids (fingerprints), never keys or plaintexts.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

/** Environment variable holding the base64 master key. */
export const MASTER_KEY_ENV = 'GATEHOUSE_MASTER_KEY';

/** Environment variable holding earlier master keys (base64, comma-separated), for reading only. */
export const PREVIOUS_MASTER_KEYS_ENV = 'GATEHOUSE_PREVIOUS_MASTER_KEYS';

/** File name of the development master key inside the data directory. */
export const MASTER_KEY_FILE = 'master.key';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const base64Of32Bytes = /^[A-Za-z0-9+/]{43}=$/;

/** A sealed value, stored as is in tenant_secrets. */
export interface Sealed {
  ciphertext: Buffer;
  /** 96-bit random nonce, fresh for every seal. */
  iv: Buffer;
  authTag: Buffer;
  /** Which master key sealed it: first 8 hex digits of sha256(key). */
  keyId: string;
}

/** A master key that is missing, malformed, or not the one a value was sealed with. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
  constructor(message: string, readonly code: 'malformed_key' | 'wrong_key' | 'decrypt_failed') {
    super(message);
  }
}

/** Key id of a master key: first 8 hex digits of its SHA-256. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function parseKey(text: string, source: string): Buffer {
  // Strict: Buffer.from(…, 'base64') silently skips junk, which would accept a mistyped key.
  const trimmed = text.trim();
  if (!base64Of32Bytes.test(trimmed)) {
    throw new SecretBoxError(`${source} is malformed: expected the base64 encoding of exactly 32 random bytes (44 characters; create one with \`openssl rand -base64 32\`)`, 'malformed_key');
  }
  return Buffer.from(trimmed, 'base64');
}

function readOrCreateKeyFile(dataDir: string, log: Logger | undefined): Buffer {
  const file = join(dataDir, MASTER_KEY_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    // 'wx': never overwrite an existing key, even if another process created it a moment ago.
    writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600); // the mode argument is filtered by the umask
    log?.warn({ file }, `created a development master key; set ${MASTER_KEY_ENV} in production`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return parseKey(readFileSync(file, 'utf8'), `master key file ${file}`);
}

/** Options for {@link loadMasterKey}. */
export interface LoadMasterKeyOptions {
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Local development: keep the key in `<dataDir>/master.key` when the variable is unset. */
  dataDir?: string;
  /** Told where the key came from (never the key). */
  log?: Logger;
}

/**
 * The master key: from GATEHOUSE_MASTER_KEY (base64 of 32 bytes) when set; else, when a
 * dataDir is given, from `<dataDir>/master.key` (created with mode 0600 if missing); else a
 * random ephemeral key, which makes every stored secret unreadable after a restart (tests).
 * @throws SecretBoxError when the variable or file is malformed (the message never echoes it).
 */
export function loadMasterKey(opts: LoadMasterKeyOptions = {}): Buffer {
  const env = opts.env ?? process.env;
  const fromEnv = env[MASTER_KEY_ENV];
  // Set-but-empty is an error, not "unset": falling back to another key would quietly make
  // every stored secret unreadable.
  if (fromEnv !== undefined) return parseKey(fromEnv, MASTER_KEY_ENV);
  if (opts.dataDir) return readOrCreateKeyFile(opts.dataDir, opts.log);
  opts.log?.warn(`${MASTER_KEY_ENV} is not set: using an ephemeral master key, stored secrets will not survive a restart`);
  return randomBytes(KEY_BYTES);
}

/**
 * Earlier master keys from GATEHOUSE_PREVIOUS_MASTER_KEYS (none when unset): they only open
 * values, never seal new ones.
 * @throws SecretBoxError when an entry is malformed (the message never echoes it).
 */
export function loadPreviousMasterKeys(env: NodeJS.ProcessEnv = process.env): Buffer[] {
  const raw = env[PREVIOUS_MASTER_KEYS_ENV];
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((entry, i) => parseKey(entry, `${PREVIOUS_MASTER_KEYS_ENV} entry ${i + 1}`));
}

/** Seals under the current master key; opens under any key of the ring. */
export class SecretBox {
  /** Fingerprint of the current master key, stored with every value sealed now. */
  readonly keyId: string;
  readonly #key: Buffer;
  readonly #keys: ReadonlyMap<string, Buffer>;

  /**
   * @param key the 32-byte current master key (copied).
   * @param previousKeys earlier master keys, to open values sealed before a rotation.
   */
  constructor(key: Buffer, previousKeys: readonly Buffer[] = []) {
    for (const k of [key, ...previousKeys]) {
      if (k.length !== KEY_BYTES) throw new SecretBoxError(`master key must be ${KEY_BYTES} bytes, got ${k.length}`, 'malformed_key');
    }
    this.#key = Buffer.from(key);
    this.keyId = keyIdOf(this.#key);
    this.#keys = new Map([...previousKeys.map((k) => [keyIdOf(k), Buffer.from(k)] as const), [this.keyId, this.#key] as const]);
  }

  /** Whether a value was sealed under a key other than the current one (`keys:rotate` re-seals it). */
  isStale(sealed: Pick<Sealed, 'keyId'>): boolean {
    return sealed.keyId !== this.keyId;
  }

  /**
   * Encrypts `plaintext`. `context` (e.g. "tenant/name") is authenticated but not stored: the
   * value then only opens with the same context, so a ciphertext copied to another tenant's
   * row is rejected instead of being used as that tenant's credential.
   */
  seal(plaintext: string, context = ''): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { ciphertext, iv, authTag: cipher.getAuthTag(), keyId: this.keyId };
  }

  /**
   * Decrypts a value sealed by {@link seal} with the same key and context.
   * @throws SecretBoxError `wrong_key` when another master key sealed it, `decrypt_failed`
   * when authentication fails (tampered data, wrong context).
   */
  open(sealed: Sealed, context = ''): string {
    const key = this.#keys.get(sealed.keyId);
    if (!key) {
      throw new SecretBoxError(`secret was sealed with master key ${sealed.keyId}, which is neither the configured master key (${this.keyId}) nor among ${PREVIOUS_MASTER_KEYS_ENV}; add the key it was sealed with`, 'wrong_key');
    }
    if (sealed.iv.length !== IV_BYTES || sealed.authTag.length !== TAG_BYTES) {
      throw new SecretBoxError('sealed secret is corrupt (bad nonce or tag length)', 'decrypt_failed');
    }
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(sealed.authTag);
    try {
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('secret failed authentication: it was tampered with, moved to another row, or sealed under a different key with the same id', 'decrypt_failed');
    }
  }

  /** Keeps the key out of console.log / util.inspect output. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SecretBox { keyId: '${this.keyId}', readable: [${[...this.#keys.keys()].map((id) => `'${id}'`).join(', ')}] }`;
  }

  /** Keeps the key out of JSON.stringify (e.g. a logger serialising a deps object). */
  toJSON(): { keyId: string } {
    return { keyId: this.keyId };
  }
}
