/** Block Kit action ids of the approval buttons, shared by the message builder and the interactivity handler. */
export const approveActionId = 'gatehouse_approve';
export const denyActionId = 'gatehouse_deny';
/** On a completed triage's outcome message: ask for a revert (approved like any write). */
export const revertActionId = 'gatehouse_revert';

/** What a button carries: which run and which approval request. Never trusted alone; the workflow re-checks. */
export interface ButtonValue {
  workflowId: string;
  requestId: string;
}

export function encodeButtonValue(value: ButtonValue): string {
  return JSON.stringify({ w: value.workflowId, r: value.requestId });
}

export function decodeButtonValue(raw: string | undefined): ButtonValue | undefined {
  const parsed = parseJsonObject(raw);
  return typeof parsed?.w === 'string' && typeof parsed.r === 'string' ? { workflowId: parsed.w, requestId: parsed.r } : undefined;
}

/** What the revert button carries: the triage run whose writes it would undo. */
export interface RevertButtonValue {
  workflowId: string;
  runId: string;
}

export function encodeRevertValue(value: RevertButtonValue): string {
  return JSON.stringify({ w: value.workflowId, run: value.runId });
}

export function decodeRevertValue(raw: string | undefined): RevertButtonValue | undefined {
  const parsed = parseJsonObject(raw);
  return typeof parsed?.w === 'string' && typeof parsed.run === 'string' ? { workflowId: parsed.w, runId: parsed.run } : undefined;
}

/**
 * A JSON object from a value Slack hands back (button value, modal private_metadata), or
 * undefined for anything malformed — answered like a foreign button. Never trusted beyond shape.
 */
export function parseJsonObject(raw: string | undefined): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}
