import { randomBytes } from 'node:crypto';

/** A new sys_id: 32 lowercase hex characters, like every ServiceNow record id. */
export function newSysId(): string {
  return randomBytes(16).toString('hex');
}

/** An opaque bearer credential (access or refresh token), unguessable. */
export function newOpaqueToken(): string {
  return randomBytes(48).toString('base64url');
}
