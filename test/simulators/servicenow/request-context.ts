import type { Request } from 'express';

/** What earlier middleware learned about a request that later handlers need. */
export interface RequestContext {
  /** user_name of the authenticated caller, once auth passed. */
  userName?: string;
  /** A dropResponseAfterCommit fault claimed this request: process it, then send nothing. */
  dropResponse: boolean;
}

// Keyed by the request: typed (unlike res.locals) and collected together with the request.
const contexts = new WeakMap<Request, RequestContext>();

/** The context of a request, created on first use. */
export function contextOf(req: Request): RequestContext {
  let context = contexts.get(req);
  if (!context) {
    context = { dropResponse: false };
    contexts.set(req, context);
  }
  return context;
}
