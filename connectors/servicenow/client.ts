/**
 * A thin Table API client. It never retries on its own (Temporal's activity retry policy is the
 * one retry layer); it turns every failure into a typed {@link ServiceNowApiError}.
 */
import { z } from 'zod';
import { ungated, type CallGate } from '../framework/call-gate';
import { ServiceNowAuth, type ServiceNowCredentials } from './auth';
import { ServiceNowApiError, codeForStatus, fetchFailure, isEgressRefusal } from './errors';
import { parseIncident, type Incident } from './incident';

const errorBodySchema = z.object({
  error: z.object({ message: z.string().optional(), detail: z.string().nullable().optional() }),
});
const singleResultSchema = z.object({ result: z.record(z.string(), z.unknown()) });
const listResultSchema = z.object({ result: z.array(z.record(z.string(), z.unknown())) });

export interface JournalEntry {
  sysId: string;
  element: string;
  value: string;
  createdOn: string;
  createdBy: string;
}

/** Fields Gatehouse may write on an incident. */
export type IncidentWrite = Partial<Record<'assignment_group' | 'assigned_to' | 'category' | 'subcategory' | 'impact' | 'urgency' | 'state' | 'close_code' | 'close_notes' | 'work_notes', string>>;


export class ServiceNowClient {
  private readonly auth: ServiceNowAuth;

  /** `fetchFn`: the tenant's guarded fetch (connect-time address checks); default the global one. */
  constructor(private readonly instanceUrl: string, credentials: ServiceNowCredentials, private readonly gate: CallGate = ungated, private readonly fetchFn: typeof fetch = fetch) {
    this.auth = new ServiceNowAuth(instanceUrl, credentials, Date.now, fetchFn);
  }

  async getIncident(sysId: string): Promise<Incident> {
    const body = await this.request('GET', `/api/now/table/incident/${encodeURIComponent(sysId)}`, {
      sysparm_exclude_reference_link: 'true',
    });
    return parseIncident(singleResultSchema.parse(body).result);
  }

  async updateIncident(sysId: string, fields: IncidentWrite): Promise<Incident> {
    const body = await this.request('PATCH', `/api/now/table/incident/${encodeURIComponent(sysId)}`,
      { sysparm_exclude_reference_link: 'true' }, fields);
    return parseIncident(singleResultSchema.parse(body).result);
  }

  /** The incident with this number (INC…), or undefined when there is none. */
  async findIncidentByNumber(number: string): Promise<Incident | undefined> {
    if (!/^[A-Z]{2,10}\d{4,12}$/.test(number)) throw new ServiceNowApiError('bad_request', `"${number}" is not an incident number`);
    const body = await this.request('GET', '/api/now/table/incident', {
      sysparm_query: `number=${number}`, sysparm_limit: '1', sysparm_exclude_reference_link: 'true',
    });
    const first = listResultSchema.parse(body).result[0];
    return first ? parseIncident(first) : undefined;
  }

  /**
   * One page of incident records matching an encoded query, with only the named fields (raw
   * values, references as bare sys_ids). `sysparm_no_count` spares the instance a `count(*)`
   * over the table, so a page costs what its rows cost, however large the table is.
   */
  async listIncidents(query: { sysparmQuery: string; limit: number; offset: number; fields: string[] }): Promise<Array<Record<string, unknown>>> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 10_000) throw new ServiceNowApiError('bad_request', `list limit ${query.limit} is not between 1 and 10000`);
    if (!Number.isInteger(query.offset) || query.offset < 0) throw new ServiceNowApiError('bad_request', `list offset ${query.offset} is not a non-negative integer`);
    const badField = query.fields.find((f) => !/^[a-z0-9_.]+$/.test(f));
    if (badField !== undefined || query.fields.length === 0) throw new ServiceNowApiError('bad_request', `list fields must be field names, got "${badField ?? ''}"`);
    const body = await this.request('GET', '/api/now/table/incident', {
      sysparm_query: query.sysparmQuery,
      sysparm_fields: query.fields.join(','),
      sysparm_limit: String(query.limit),
      sysparm_offset: String(query.offset),
      sysparm_exclude_reference_link: 'true',
      sysparm_no_count: 'true',
    });
    return listResultSchema.parse(body).result;
  }

  /** Healthcheck: the first page of incidents (one row) is readable; returns how many came back. */
  async probeIncidents(): Promise<number> {
    const body = await this.request('GET', '/api/now/table/incident', { sysparm_limit: '1', sysparm_fields: 'sys_id' });
    return listResultSchema.parse(body).result.length;
  }

  /** A sys_user record's identity fields (used to keep requesters from approving their own incidents). */
  async getUser(sysId: string): Promise<{ sysId: string; userName: string; email: string }> {
    const body = await this.request('GET', `/api/now/table/sys_user/${encodeURIComponent(sysId)}`, {
      sysparm_fields: 'sys_id,user_name,email',
    });
    const row = singleResultSchema.parse(body).result;
    return { sysId: String(row['sys_id'] ?? ''), userName: String(row['user_name'] ?? ''), email: String(row['email'] ?? '') };
  }

  /** Work notes on an incident whose text contains `needle` (used to find our own idempotency marker). */
  async findWorkNotes(sysId: string, needle: string): Promise<JournalEntry[]> {
    // `^` would split the encoded query; markers never contain it, but refuse rather than mis-query.
    if (needle.includes('^')) throw new Error('journal search text must not contain ^');
    const body = await this.request('GET', '/api/now/table/sys_journal_field', {
      sysparm_query: `element_id=${sysId}^element=work_notes^valueLIKE${needle}^ORDERBYDESCsys_created_on`,
      sysparm_fields: 'sys_id,element,value,sys_created_on,sys_created_by',
      sysparm_limit: '10',
    });
    return listResultSchema.parse(body).result.map((row) => ({
      sysId: String(row['sys_id'] ?? ''),
      element: String(row['element'] ?? ''),
      value: String(row['value'] ?? ''),
      createdOn: String(row['sys_created_on'] ?? ''),
      createdBy: String(row['sys_created_by'] ?? ''),
    }));
  }

  private request(method: string, path: string, query: Record<string, string>, json?: unknown): Promise<unknown> {
    return this.gate(() => this.requestNow(method, path, query, json));
  }

  private async requestNow(method: string, path: string, query: Record<string, string>, json?: unknown): Promise<unknown> {
    const url = new URL(path, this.instanceUrl);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    let response = await this.send(method, url, json);
    if (response.status === 401) {
      // An OAuth token can be revoked or expire early: re-authenticate once before giving up.
      this.auth.invalidate();
      response = await this.send(method, url, json);
    }
    if (!response.ok) throw await this.errorFrom(response, method, url.pathname);
    try {
      return await response.json();
    } catch {
      throw new ServiceNowApiError('invalid_response', `ServiceNow answered ${method} ${url.pathname} with a body that is not JSON`, response.status);
    }
  }

  private async send(method: string, url: URL, json: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: await this.auth.header() };
    if (json !== undefined) headers['content-type'] = 'application/json';
    try {
      return await this.fetchFn(url, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(15_000),
        redirect: 'error',
      });
    } catch (err) {
      throw new ServiceNowApiError(isEgressRefusal(err) ? 'egress_refused' : 'network_error', `ServiceNow request ${method} ${url.pathname} failed: ${fetchFailure(err)}`);
    }
  }

  private async errorFrom(response: Response, method: string, path: string): Promise<ServiceNowApiError> {
    const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
    let reason = '';
    try {
      const parsed = errorBodySchema.safeParse(await response.json());
      if (parsed.success) reason = [parsed.data.error.message, parsed.data.error.detail].filter(Boolean).join(': ');
    } catch {
      // A non-JSON error page (proxy, maintenance) still gets a clear message from the status.
    }
    return new ServiceNowApiError(
      codeForStatus(response.status),
      `ServiceNow ${method} ${path} answered HTTP ${response.status}${reason ? ` (${reason})` : ''}`,
      response.status,
      Number.isFinite(retryAfter) ? retryAfter : undefined,
    );
  }
}
