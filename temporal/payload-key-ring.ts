/**
 * The keys Temporal payloads are encrypted under. Derived from the process's master key (the
 * same one that seals tenant secrets) rather than stored on their own: one secret to provision
 * and rotate. A ring, so a rotation can add the new key for encrypting while histories written
 * under older keys stay readable.
 */
import { createHash, hkdfSync } from 'node:crypto';

/** HKDF `info`: a payload key can never equal the key that seals secrets, nor any other use of it. */
const HKDF_INFO = 'gatehouse payload codec v1';
const KEY_BYTES = 32;

/** One AES-256 key and its public id. */
export interface PayloadKey {
  /** Short fingerprint of the key (never the key), written into every payload it encrypts. */
  readonly id: string;
  readonly material: Buffer;
}

/** First 12 hex digits of sha256 of the derived key: stable, and reveals nothing usable. */
function fingerprint(key: Buffer): string {
  return `pk-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** The payload key derived from a 32-byte master key with HKDF-SHA256. */
export function derivePayloadKey(masterKey: Buffer): PayloadKey {
  if (masterKey.length !== KEY_BYTES) throw new RangeError(`master key must be ${KEY_BYTES} bytes, got ${masterKey.length}`);
  const material = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), HKDF_INFO, KEY_BYTES));
  return { id: fingerprint(material), material };
}

/** The current key (encrypts) and every known key by id (decrypts). */
export class PayloadKeyRing {
  readonly #byId: ReadonlyMap<string, PayloadKey>;

  /** @param older keys still accepted for decrypting (after a rotation). */
  constructor(readonly current: PayloadKey, older: readonly PayloadKey[] = []) {
    this.#byId = new Map([...older, current].map((key) => [key.id, key]));
  }

  /** The ring for a master key, optionally with keys from master keys that were rotated out. */
  static fromMasterKey(masterKey: Buffer, previousMasterKeys: readonly Buffer[] = []): PayloadKeyRing {
    return new PayloadKeyRing(derivePayloadKey(masterKey), previousMasterKeys.map(derivePayloadKey));
  }

  byId(id: string): PayloadKey | undefined {
    return this.#byId.get(id);
  }

  /** Keeps key material out of console.log / util.inspect output. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `PayloadKeyRing { current: '${this.current.id}', known: ${this.#byId.size} }`;
  }

  /** Keeps key material out of JSON.stringify (a logger serialising a deps object). */
  toJSON(): { current: string; known: string[] } {
    return { current: this.current.id, known: [...this.#byId.keys()] };
  }
}
