/**
 * The bot scope each implemented Web API method needs, from Slack's method docs. Only tokens
 * issued through OAuth are checked: seeded bot tokens predate scopes in the simulator and keep
 * acting as if every scope were granted.
 */
const METHOD_SCOPES: Readonly<Record<string, string | undefined>> = {
  'auth.test': undefined,
  'auth.revoke': undefined,
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'users.info': 'users:read',
  'usergroups.users.list': 'usergroups:read',
  // Only public channels are modelled, so channels:read is the one that matters.
  'conversations.info': 'channels:read',
  // views.open needs no scope: the trigger_id is the authorization.
  'views.open': undefined,
};

/** Scope that reveals users' email addresses in users.info. */
export const EMAIL_SCOPE = 'users:read.email';

/** The missing scope for `method`, or undefined when `scopes` covers it (or there is no scope list). */
export function missingScope(method: string, scopes: ReadonlySet<string> | undefined): string | undefined {
  const needed = Object.hasOwn(METHOD_SCOPES, method) ? METHOD_SCOPES[method] : undefined;
  if (needed === undefined || scopes === undefined || scopes.has(needed)) return undefined;
  return needed;
}
