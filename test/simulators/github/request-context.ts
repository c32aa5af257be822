import type { Request } from 'express';
import type { ErrorSpec } from './errors';
import type { AppRecord, InstallationRecord } from './store';
import type { TokenRecord } from './token-store';

/** Who is calling, as resolved from the `Authorization` header. */
export type Identity =
  | { kind: 'anonymous' }
  | { kind: 'app'; app: AppRecord }
  | { kind: 'installation'; token: TokenRecord; installation: InstallationRecord }
  /** Credentials were sent but are not valid; every endpoint answers `error`, as GitHub does. */
  | { kind: 'invalid'; error: ErrorSpec };

/** What earlier middleware learned about a request that later handlers need. */
export interface RequestContext {
  identity: Identity;
  /** `x-github-request-id` of this answer. */
  requestId: string;
  /** Base of API URLs in answers: the server URL, plus `/api/v3` when the request came that way. */
  apiBase: string;
}

// Keyed by the request: typed (unlike res.locals) and collected together with the request.
const contexts = new WeakMap<Request, RequestContext>();

/** The context of a request, created on first use. */
export function contextOf(req: Request): RequestContext {
  let context = contexts.get(req);
  if (!context) {
    context = { identity: { kind: 'anonymous' }, requestId: '', apiBase: '' };
    contexts.set(req, context);
  }
  return context;
}
