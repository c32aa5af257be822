/**
 * The GitHub connector's disconnect at the provider: revoke the installation tokens this process
 * minted (see live-tokens.ts). The app itself stays installed; uninstalling it is the
 * organisation admin's step, as the manifest says.
 */
import type { ConnectorEnvironment } from '../framework/types';
import { TenantConfigError } from '../../tenancy/tenant-context';
import { connectGitHub, type GitHubConnection } from './connection';

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** Revokes the tokens and says what was revoked. Throws when GitHub fails (the activity retries). */
export async function revokeGitHubTokens(env: ConnectorEnvironment): Promise<string> {
  let connection: GitHubConnection;
  try {
    connection = await connectGitHub(env);
  } catch (err) {
    // No install config or private key: this process cannot have minted a token since they went.
    if (err instanceof TenantConfigError) return `no installation token to revoke (${err.message})`;
    throw err;
  }
  const { revoked, alreadyInvalid } = await connection.client.revokeMintedTokens();
  if (revoked + alreadyInvalid === 0) {
    return 'no installation token minted by this worker was still valid; tokens minted by other Gatehouse processes expire within their hour';
  }
  const stale = alreadyInvalid ? `; ${plural(alreadyInvalid, 'token was', 'tokens were')} already invalid` : '';
  return `revoked ${plural(revoked, 'installation token', 'installation tokens')} with DELETE /installation/token${stale}`;
}
