import { createHash, randomBytes } from 'node:crypto';

/** The git blob id of some content: `sha1("blob <size>\0" + content)`, which is what GitHub reports as a file's `sha`. */
export function blobSha(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** A random 40-hex commit id, for pull-request heads and bases. */
export function randomCommitSha(): string {
  return randomBytes(20).toString('hex');
}
