/**
 * Installation tokens this process minted that have not expired, per installation. GitHub
 * revokes a token only when it is presented (`DELETE /installation/token`) and has no call that
 * revokes every token of an installation, so a disconnect can revoke only the tokens it still
 * knows: these. Each client mints its own token, so without this list the tokens of clients
 * already dropped would stay valid for the rest of their hour.
 *
 * The tokens stay in this process's memory only, like the clients holding them.
 */

/** Which installation a token belongs to: the API base URL and the installation id. */
export function installationKey(baseUrl: string, installationId: number): string {
  return `${baseUrl}#${installationId}`;
}

const live = new Map<string, Map<string, number>>();

function dropExpired(tokens: Map<string, number>, nowMs: number): void {
  for (const [token, expiresAtMs] of tokens) if (expiresAtMs <= nowMs) tokens.delete(token);
}

/** Records a freshly minted token; expired ones of the installation are forgotten on the way. */
export function rememberToken(installation: string, token: string, expiresAtMs: number, nowMs: number): void {
  const tokens = live.get(installation) ?? new Map<string, number>();
  dropExpired(tokens, nowMs);
  tokens.set(token, expiresAtMs);
  live.set(installation, tokens);
}

/** The installation's tokens that have not expired, oldest first. */
export function liveTokens(installation: string, nowMs: number): string[] {
  const tokens = live.get(installation);
  if (!tokens) return [];
  dropExpired(tokens, nowMs);
  return [...tokens.keys()];
}

/** Forgets a token (revoked, or refused by GitHub). */
export function forgetToken(installation: string, token: string): void {
  const tokens = live.get(installation);
  tokens?.delete(token);
  if (tokens?.size === 0) live.delete(installation);
}
