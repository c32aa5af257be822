/** Why the runtime refuses a connector, and the error `get()` throws for it. */

/**
 * Stable refusal codes (audit records and API answers carry them; never rename one):
 * - `unknown`: no manifest for this connector id;
 * - `unsigned`: the manifest has no signature file;
 * - `untrusted_key`: signed by a key not in the trust store, or by a development key while development keys are not trusted;
 * - `bad_signature`: the signature does not verify (the manifest or the signature was altered) or the signature file is malformed;
 * - `code_mismatch`: an implementation file changed, vanished or cannot be read since the manifest was signed;
 * - `invalid_manifest`: the manifest is unreadable or breaks the manifest rules.
 */
export const refusalReasons = ['unknown', 'unsigned', 'untrusted_key', 'bad_signature', 'code_mismatch', 'invalid_manifest'] as const;
/** See {@link refusalReasons}. */
export type RefusalReason = (typeof refusalReasons)[number];

/** One refused connector: what the registry reports to `onRefusal` and keeps for `refusals()`. */
export interface ConnectorRefusal {
  connectorId: string;
  reason: RefusalReason;
  message: string;
}

/** Thrown by the registry for an unknown or refused connector; `code` is the refusal reason. */
export class ConnectorRefusedError extends Error {
  override readonly name = 'ConnectorRefusedError';
  readonly code: RefusalReason;
  readonly connectorId: string;

  constructor(refusal: ConnectorRefusal) {
    super(refusal.message);
    this.code = refusal.reason;
    this.connectorId = refusal.connectorId;
  }
}
