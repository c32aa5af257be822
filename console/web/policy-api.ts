/**
 * What the policy page asks the server (api/console/console-policy-routes.ts) and the shapes it
 * answers. Like api.ts's request, but a 422 answers its `issues` (`[{ path, message }]`) instead of
 * throwing them away, so the page can show each problem at its field.
 */
import { ApiError, session } from './api';
import type { Issue } from './policy-issue-paths';

export interface Verdict { decision: string; rule: string; reason: string; group?: string; quorum?: number }
export interface SimulatedAction { actionId: string; draft: Verdict; inForce?: Verdict; changed: boolean }
export interface Simulation { connectors: Array<{ connectorId: string; actions: SimulatedAction[] }>; changed: number }
export interface PolicyView {
  revision: number;
  isDefault: boolean;
  policy: unknown;
  revisions: Array<{ revision: number; createdBy: string | null; createdAt: string }>;
  canSave: boolean;
}

export type Answer<T> = { ok: true; body: T } | { ok: false; issues: Issue[]; message: string };

export async function send<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrf = session()?.csrfToken;
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'network_error', 'The server could not be reached. Check the connection and try again.');
  }
  const parsed = await response.json().catch(() => undefined) as { issues?: Issue[]; error?: { code?: string; message?: string } } | undefined;
  if (response.ok) return { ok: true, body: parsed as T };
  if (response.status === 422 && Array.isArray(parsed?.issues)) return { ok: false, issues: parsed.issues, message: parsed.error?.message ?? 'The policy is not valid.' };
  throw new ApiError(response.status, parsed?.error?.code ?? `http_${response.status}`, parsed?.error?.message ?? `The server answered ${response.status}.`);
}
