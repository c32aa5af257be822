import { secretsEqual } from './directory';

/** An application registry entry ("OAuth API endpoint for external clients"). */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** Registered redirect URLs; empty means the instance accepts whatever the request names. */
  redirectUris: string[];
  /** OAuth Application User the client_credentials grant acts as (a sys_user user_name). */
  clientCredentialsUser?: string;
}

/** The OAuth clients registered on the instance. */
export class OAuthClients {
  private readonly clients = new Map<string, OAuthClient>();

  add(client: OAuthClient): void {
    this.clients.set(client.clientId, client);
  }

  /** The client, without checking any secret (the browser authorize step has none). */
  find(clientId: string): OAuthClient | undefined {
    return this.clients.get(clientId);
  }

  /** The client when it exists and the secret matches. */
  verify(clientId: string, clientSecret: string): OAuthClient | undefined {
    const client = this.clients.get(clientId);
    // Compare even for unknown clients so timing does not reveal which client ids exist.
    const ok = secretsEqual(client?.clientSecret ?? '\u0000no-such-client', clientSecret);
    return client !== undefined && ok ? client : undefined;
  }
}
