/**
 * Scope drift: what a provider granted against what the signed manifest declares.
 *
 * - Broader than declared (a scope or permission level the manifest does not ask for): the
 *   install is held until a tenant admin explicitly accepts it. Least privilege is a decision a
 *   person makes, not something a provider's consent screen decides for us.
 * - Narrower (a declared scope missing): the actions that need it would fail at the provider, so
 *   they are disabled and listed, and the rest of the connector works.
 *
 * Scopes compare as the manifests write them: Slack's OAuth scopes as they are (`chat:write`),
 * GitHub App permissions as `<permission>:<level>` where `write` includes `read`.
 */

export interface ScopedAction {
  id: string;
  scopes: readonly string[];
}

export interface ScopeDrift {
  granted: string[];
  declared: string[];
  /** Granted but not declared: the install waits for an admin to accept these. */
  broader: string[];
  /** Declared but not granted. */
  missing: string[];
  /** Actions that need a missing scope, with the scopes they lack. */
  disabledActions: Array<{ actionId: string; missingScopes: string[] }>;
}

/** GitHub grants `metadata:read` to every App installation; no manifest has to ask for it. */
const implicitGrants = new Set(['metadata:read']);

/** GitHub permission levels, lowest first: holding one covers those before it. */
const levels = ['read', 'write', 'admin'];

function covers(granted: ReadonlySet<string>, scope: string): boolean {
  if (granted.has(scope)) return true;
  const [name, level] = splitLevel(scope);
  if (level === undefined) return false;
  return levels.slice(levels.indexOf(level) + 1).some((higher) => granted.has(`${name}:${higher}`));
}

function splitLevel(scope: string): [string, string | undefined] {
  const at = scope.lastIndexOf(':');
  const level = at > 0 ? scope.slice(at + 1) : undefined;
  return level !== undefined && levels.includes(level) ? [scope.slice(0, at), level] : [scope, undefined];
}

/** GitHub's `{ issues: 'write' }` as manifest scopes (`issues:write`). */
export function githubPermissionScopes(permissions: Record<string, string>): string[] {
  return Object.entries(permissions).map(([name, level]) => `${name}:${level}`).sort();
}

/** Compares a grant with a manifest's declared scopes and its actions' scopes. */
export function scopeDrift(granted: readonly string[], declared: readonly string[], actions: readonly ScopedAction[]): ScopeDrift {
  const grantedSet = new Set(granted);
  const declaredSet = new Set(declared);
  // `issues:write` granted where `issues:read` is declared is broader: nothing declared covers it.
  const broader = [...grantedSet].filter((s) => !implicitGrants.has(s) && !covers(declaredSet, s)).sort();
  const missing = declared.filter((s) => !covers(grantedSet, s)).sort();
  const disabledActions = actions
    .map((a) => ({ actionId: a.id, missingScopes: a.scopes.filter((s) => !covers(grantedSet, s)) }))
    .filter((a) => a.missingScopes.length > 0);
  return { granted: [...granted].sort(), declared: [...declared].sort(), broader: [...new Set(broader)], missing, disabledActions };
}

/** True when the grant differs from the manifest either way. */
export function hasDrift(drift: ScopeDrift): boolean {
  return drift.broader.length > 0 || drift.missing.length > 0;
}
