/** What the simulated resource owner answers on the browser consent page. */
export interface OAuthConsent {
  decision: 'approve' | 'deny';
  /** The user logged in at the instance who approves; default `admin`. */
  userName?: string;
}

/** Instance-wide OAuth switches that tests flip. */
export class OAuthSettings {
  consent: Required<OAuthConsent> = { decision: 'approve', userName: 'admin' };
  /**
   * `glide.oauth.inbound.client.credential.grant_type.enabled`: false on a base instance
   * (wire reference §1 "OAuth"), so the grant is refused until a test turns it on.
   */
  clientCredentialsGrantEnabled = false;

  setConsent(c: OAuthConsent): void {
    this.consent = { decision: c.decision, userName: c.userName ?? 'admin' };
  }
}
