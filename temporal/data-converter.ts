/**
 * The data converter every Temporal client and worker Gatehouse creates uses, and the check
 * that a client given to the runtime has it: a client without it would write customer text
 * into Temporal's history in the clear, so the runtime refuses to start with one.
 */
import type { Client } from '@temporalio/client';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { PayloadEncryptionCodec } from './payload-codec';
import { PayloadKeyRing } from './payload-key-ring';

/**
 * `{ payloadCodecs: [encryption under the key derived from masterKey] }`; payloads encrypted
 * under keys derived from `previousMasterKeys` (before a rotation) still decrypt.
 */
export function gatehouseDataConverter(masterKey: Buffer, previousMasterKeys: readonly Buffer[] = []): DataConverter {
  return { payloadCodecs: [new PayloadEncryptionCodec(PayloadKeyRing.fromMasterKey(masterKey, previousMasterKeys))] };
}

/**
 * The client's payload codecs, for the worker and the codec endpoint: taking them from the
 * client means the three always agree on the key.
 * @throws Error when the client does not encrypt payloads.
 */
export function encryptingCodecsOf(client: Client): PayloadCodec[] {
  const codecs = client.options.loadedDataConverter.payloadCodecs;
  if (!codecs.some((codec) => codec instanceof PayloadEncryptionCodec)) {
    throw new Error('the Temporal client has no payload encryption codec: create it with dataConverter: gatehouseDataConverter(masterKey)');
  }
  return codecs;
}
