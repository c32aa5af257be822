/**
 * An access token someone else keeps and refreshes (an OAuth grant, credentials/grant-tokens.ts):
 * what a connector client asks before each request, and again once after the provider refused it.
 */
export interface AccessTokenSource {
  /** A token that is not about to expire. */
  accessToken(): Promise<string>;
  /** The provider refused `rejected`: a newer token, refreshed once however many callers ask. */
  afterUnauthorized(rejected: string): Promise<string>;
}
