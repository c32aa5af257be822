/**
 * Encryption of every Temporal payload Gatehouse writes (workflow inputs and results, signals,
 * queries, updates, activity arguments and results, memos): AES-256-GCM under the payload key
 * ring. Runs in the client's and the worker's data converter, outside the workflow sandbox, so
 * workflow code stays deterministic. Search attributes never pass through codecs; they hold
 * tenant slug, status and incident number only.
 *
 * The encrypted bytes are the original Payload serialised as protobuf
 * (`temporal.api.common.v1.Payload`): the format Temporal itself uses for payloads, compact
 * (binary data is not base64-inflated as JSON would be) and it keeps the original metadata
 * (e.g. `encoding: json/plain`) inside the ciphertext, so decoding restores the payload exactly.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKey, PayloadKeyRing } from './payload-key-ring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const utf8 = new TextEncoder();
const text = new TextDecoder();

/** A payload this codec cannot open. The message names key ids, never keys or content. */
export class PayloadCodecError extends Error {
  override readonly name = 'PayloadCodecError';
  constructor(message: string, readonly code: 'unknown_key' | 'decrypt_failed' | 'malformed') {
    super(message);
  }
}

/** The key id is authenticated (AAD): relabelling a payload with another id fails the tag check. */
function aad(keyId: string): Buffer {
  return Buffer.from(`${ENCRYPTED_ENCODING};${keyId}`, 'utf8');
}

function encrypt(key: PayloadKey, plaintext: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.material, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(key.id));
  // Layout: iv ‖ ciphertext ‖ tag.
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function decrypt(key: PayloadKey, sealed: Uint8Array): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new PayloadCodecError('encrypted payload is truncated', 'malformed');
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', key.material, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(key.id));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new PayloadCodecError(`encrypted payload failed authentication under key ${key.id}: it was tampered with or truncated`, 'decrypt_failed');
  }
}

/** Temporal PayloadCodec: encrypts on encode, decrypts on decode. */
export class PayloadEncryptionCodec implements PayloadCodec {
  constructor(readonly keys: PayloadKeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.current;
    return payloads.map((payload) => ({
      metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(key.id) },
      data: encrypt(key, temporal.api.common.v1.Payload.encode(payload).finish()),
    }));
  }

  /**
   * Payloads not marked `binary/encrypted` pass through unchanged: histories written before
   * encryption was turned on stay readable.
   * @throws PayloadCodecError for an unknown key id or a payload that fails authentication.
   */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding;
      if (!encoding || text.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
      if (!keyIdBytes) throw new PayloadCodecError(`encrypted payload has no ${KEY_ID_METADATA}`, 'malformed');
      const keyId = text.decode(keyIdBytes);
      const key = this.keys.byId(keyId);
      if (!key) {
        throw new PayloadCodecError(`payload was encrypted under key ${keyId}, which this process does not know (current key ${this.keys.current.id}); configure the master key it was written under`, 'unknown_key');
      }
      if (!payload.data) throw new PayloadCodecError('encrypted payload has no data', 'malformed');
      const decoded = temporal.api.common.v1.Payload.decode(decrypt(key, payload.data));
      return { metadata: decoded.metadata, data: decoded.data };
    });
  }
}
