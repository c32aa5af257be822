import { failure, success, type MethodHandler, type MethodOutcome } from './method-context';
import { viewJson } from './modals';
import { stringParam } from './request-params';

/** views.open: `view` is a JSON string in form bodies (as @slack/web-api sends it) or an object in JSON bodies. */
export const viewsOpen: MethodHandler = (ctx): MethodOutcome => {
  const raw = ctx.params['view'];
  let view: unknown = raw;
  if (typeof raw === 'string') {
    try {
      view = JSON.parse(raw);
    } catch {
      return failure('invalid_arguments');
    }
  }
  const opened = ctx.store.modals.open(ctx.workspace.teamId, stringParam(ctx.params, 'trigger_id'), view);
  return opened.ok ? success({ view: viewJson(opened.view) }) : failure(opened.error);
};
