/** The payload codec on its own: what it writes, and what it refuses to open. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadCodecError, PayloadEncryptionCodec } from '../../temporal/payload-codec';
import { derivePayloadKey, PayloadKeyRing } from '../../temporal/payload-key-ring';

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const secretText = 'VPN down for the Berlin office — INC0099123';

describe('payload codec', () => {
  const masterKey = randomBytes(32);
  const codec = new PayloadEncryptionCodec(PayloadKeyRing.fromMasterKey(masterKey));
  const original = defaultPayloadConverter.toPayload({ short_description: secretText });

  it('round-trips a payload exactly, encrypted under a key named in the metadata', async () => {
    const [encrypted] = await codec.encode([original]);
    assert.ok(encrypted);
    assert.equal(text(encrypted.metadata?.encoding), ENCRYPTED_ENCODING);
    const keyId = text(encrypted.metadata?.[KEY_ID_METADATA]);
    assert.equal(keyId, derivePayloadKey(masterKey).id);
    assert.match(keyId, /^pk-[0-9a-f]{12}$/);
    assert.ok(!text(encrypted.data).includes('Berlin'), 'the data is ciphertext');
    assert.ok(!Buffer.from(encrypted.data!).includes(derivePayloadKey(masterKey).material), 'the key is not in the payload');
    const [decoded] = await codec.decode([encrypted]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), { short_description: secretText });
    assert.equal(text(decoded!.metadata?.encoding), 'json/plain');
  });

  it('uses a fresh IV each time: the same payload never encrypts to the same bytes', async () => {
    const [a, b] = await codec.encode([original, original]);
    assert.notDeepEqual(Buffer.from(a!.data!), Buffer.from(b!.data!));
  });

  it('refuses a tampered ciphertext', async () => {
    const [encrypted] = await codec.encode([original]);
    const data = Buffer.from(encrypted!.data!);
    data[20] = data[20]! ^ 0x01;
    await assert.rejects(codec.decode([{ ...encrypted!, data }]), (err: unknown) => err instanceof PayloadCodecError && err.code === 'decrypt_failed');
  });

  it('refuses a payload relabelled with another key id', async () => {
    const [encrypted] = await codec.encode([original]);
    const other = derivePayloadKey(randomBytes(32));
    const ring = new PayloadKeyRing(derivePayloadKey(masterKey), [other]);
    const relabelled: Payload = { ...encrypted!, metadata: { ...encrypted!.metadata, [KEY_ID_METADATA]: new TextEncoder().encode(other.id) } };
    await assert.rejects(new PayloadEncryptionCodec(ring).decode([relabelled]), (err: unknown) => err instanceof PayloadCodecError && err.code === 'decrypt_failed');
  });

  it('refuses a payload under a key it does not know, naming the key id and not the key', async () => {
    const [encrypted] = await new PayloadEncryptionCodec(PayloadKeyRing.fromMasterKey(randomBytes(32))).encode([original]);
    await assert.rejects(codec.decode([encrypted!]), (err: unknown) =>
      err instanceof PayloadCodecError && err.code === 'unknown_key' && err.message.includes(text(encrypted!.metadata?.[KEY_ID_METADATA])));
  });

  it('decrypts payloads under a rotated-out key it still holds, and encrypts under the current one', async () => {
    const oldMaster = randomBytes(32);
    const [old] = await new PayloadEncryptionCodec(PayloadKeyRing.fromMasterKey(oldMaster)).encode([original]);
    const rotated = new PayloadEncryptionCodec(PayloadKeyRing.fromMasterKey(masterKey, [oldMaster]));
    assert.deepEqual(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!), { short_description: secretText });
    assert.equal(text((await rotated.encode([original]))[0]!.metadata?.[KEY_ID_METADATA]), derivePayloadKey(masterKey).id);
  });

  it('passes unencrypted payloads through on decode (histories from before encryption)', async () => {
    assert.deepEqual(await codec.decode([original]), [original]);
  });

  it('never shows key material when logged', () => {
    const ring = PayloadKeyRing.fromMasterKey(masterKey);
    const material = derivePayloadKey(masterKey).material;
    for (const shown of [inspect(ring), JSON.stringify(ring)]) {
      assert.ok(!shown.includes(material.toString('hex')) && !shown.includes(material.toString('base64')));
    }
  });
});
