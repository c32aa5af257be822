/** Why a connector's provider grant cannot give a token. Messages never hold a token. */

/**
 * The provider refused the grant itself (`invalid_grant`, a revoked or rotated-away refresh
 * token, a client secret that no longer matches): retrying cannot help, a person must authorise
 * the connection again. Thrown by token endpoints.
 */
export class GrantRefusedError extends Error {
  override readonly name = 'GrantRefusedError';
  constructor(message: string, readonly providerError?: string) {
    super(message);
  }
}

/**
 * The connection needs a tenant admin to authorise it again; runs using it fail with this
 * reason instead of retrying.
 */
export class ConnectionNeedsReauthorizationError extends Error {
  override readonly name = 'ConnectionNeedsReauthorizationError';
  readonly code = 'connection_needs_reauthorization';
  constructor(readonly connectorId: string, readonly reason: string) {
    super(`the ${connectorId} connection needs a tenant admin to authorise it again: ${reason}`);
  }
}

/** Another process is refreshing and did not finish in time (or the provider is unreachable): try again later. */
export class TokenRefreshUnavailableError extends Error {
  override readonly name = 'TokenRefreshUnavailableError';
  readonly code = 'token_refresh_unavailable';
}
