/**
 * The text of every payload in a history, decrypted with the client's codec: what an operator
 * sees through the codec endpoint, for scans that must look past the encryption (e.g. "no
 * secret in Temporal history").
 */
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { encryptingCodecsOf } from '../../temporal/data-converter';

function collect(node: unknown, found: Payload[]): Payload[] {
  if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return found;
  const record = node as Record<string, unknown>;
  if (record.data instanceof Uint8Array && record.metadata && typeof record.metadata === 'object') {
    found.push(record as Payload);
    return found;
  }
  for (const value of Object.values(record)) collect(value, found);
  return found;
}

export async function decodedPayloadText(client: Client, history: unknown): Promise<string> {
  let payloads = collect(history, []);
  for (const codec of [...encryptingCodecsOf(client)].reverse()) payloads = await codec.decode(payloads);
  return payloads.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n');
}
