import type { ApiParams } from './request-params';
import type { SlackStore } from './store';
import type { WorkspaceRecord } from './types';

/** Everything a Web API method handler needs for one authenticated call. */
export interface MethodContext {
  store: SlackStore;
  workspace: WorkspaceRecord;
  params: ApiParams;
  /** Granted scopes of an OAuth-issued token; undefined for seeded tokens, which may do everything. */
  scopes?: ReadonlySet<string>;
}

/** A handler's answer: the success body (without `ok`) or a Slack error code. */
export type MethodOutcome = { ok: true; body: Record<string, unknown> } | { ok: false; error: string };

/** A Web API method implementation. */
export type MethodHandler = (ctx: MethodContext) => MethodOutcome;

/** Success outcome. */
export function success(body: Record<string, unknown>): MethodOutcome {
  return { ok: true, body };
}

/** Failure outcome with a Slack error code. */
export function failure(error: string): MethodOutcome {
  return { ok: false, error };
}
