import { Router, type Request, type Response } from 'express';
import {
  EMPTY_BODY,
  INVALID_JSON,
  invalidTable,
  METHOD_NOT_SUPPORTED,
  NO_MATCHING_RECORDS,
  NOT_AUTHORIZED,
  RECORD_NOT_FOUND,
  UNSUPPORTED_MEDIA_TYPE,
  type ErrorSpec,
} from './errors';
import type { IncidentService, WriteBody, WriteContext } from './incident-service';
import { runListQuery } from './list-query';
import { linkHeader } from './pagination';
import { recordLink, renderRow } from './render';
import { contextOf } from './request-context';
import { sendEmpty, sendError, sendJson } from './respond';
import { INCIDENT, tableSchema, type TableSchema } from './schema';
import type { Store } from './store';
import { isTrue, queryParam, renderOptionsFrom } from './sysparm';
import type { Row } from './types';

/** What the Table API routes read and write. */
export interface TableRouteDeps {
  store: Store;
  incidents: IncidentService;
  /** Instance base URL, known only once the server listens. */
  baseUrl: () => string;
}

/** A decoded write body, or the error to answer instead. */
type BodyResult = { ok: true; body: WriteBody } | { ok: false; error: ErrorSpec };

/** Decodes the write body. Only the first record of an array counts, as on a real instance. */
function writeBodyOf(req: Request): BodyResult {
  const body: unknown = req.body;
  if (body === undefined) {
    const hasContent = Number(req.get('content-length') ?? '0') > 0 || req.get('transfer-encoding') !== undefined;
    return { ok: false, error: hasContent && !req.is('application/json') ? UNSUPPORTED_MEDIA_TYPE : EMPTY_BODY };
  }
  const record: unknown = Array.isArray(body) ? body[0] : body;
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return { ok: false, error: INVALID_JSON };
  return { ok: true, body: Object.fromEntries(Object.entries(record)) };
}

function writeContextOf(req: Request): WriteContext {
  const userName = contextOf(req).userName;
  // Auth middleware runs before these routes; reaching here without a user is a wiring bug.
  if (userName === undefined) throw new Error('table route reached without an authenticated user');
  return { userName, inputDisplayValue: isTrue(queryParam(req, 'sysparm_input_display_value')) };
}

/** v1 answers an empty list with 404; v2 and the unversioned path with `[]`. */
function isV1(req: Request): boolean {
  return req.baseUrl.includes('/v1/');
}

/** Table API routes, mounted under `/api/now/table`, `/api/now/v1/table` and `/api/now/v2/table`. */
export function tableRoutes(deps: TableRouteDeps): Router {
  const { store, incidents } = deps;
  const router = Router();

  const tableOf = (req: Request, res: Response): TableSchema | undefined => {
    const name = String(req.params.table);
    const table = tableSchema(name);
    if (!table) sendError(res, invalidTable(name));
    return table;
  };

  const sendRecord = (req: Request, res: Response, table: TableSchema, row: Row, status: number): void => {
    if (req.method !== 'GET' && isTrue(req.get('x-no-response-body'))) {
      sendEmpty(res, status);
      return;
    }
    sendJson(res, status, { result: renderRow(store, table, row, renderOptionsFrom(req, deps.baseUrl())) });
  };

  const list = (req: Request, res: Response, table: TableSchema): void => {
    const page = runListQuery(store, table, req);
    if ('status' in page) {
      sendError(res, page);
      return;
    }
    if (page.rows.length === 0 && isV1(req)) {
      sendError(res, NO_MATCHING_RECORDS);
      return;
    }
    res.setHeader('X-Total-Count', String(page.total));
    const requestUrl = new URL(req.originalUrl, deps.baseUrl());
    const link = linkHeader(requestUrl, page.offset, page.limit, page.total);
    if (link !== undefined && !isTrue(queryParam(req, 'sysparm_suppress_pagination_header'))) res.setHeader('Link', link);
    const options = renderOptionsFrom(req, deps.baseUrl());
    sendJson(res, 200, { result: page.rows.map((row) => renderRow(store, table, row, options)) });
  };

  const create = (req: Request, res: Response): void => {
    const decoded = writeBodyOf(req);
    if (!decoded.ok) {
      sendError(res, decoded.error);
      return;
    }
    const row = incidents.create(decoded.body, writeContextOf(req));
    res.setHeader('Location', recordLink(deps.baseUrl(), INCIDENT.name, row.sys_id ?? ''));
    sendRecord(req, res, INCIDENT, row, 201);
  };

  const update = (req: Request, res: Response, sysId: string): void => {
    const decoded = writeBodyOf(req);
    if (!decoded.ok) {
      sendError(res, decoded.error);
      return;
    }
    const row = incidents.update(sysId, decoded.body, writeContextOf(req));
    if (!row) sendError(res, RECORD_NOT_FOUND);
    else sendRecord(req, res, INCIDENT, row, 200);
  };

  router.all('/:table', (req, res) => {
    const table = tableOf(req, res);
    if (!table) return;
    if (req.method === 'GET') list(req, res, table);
    else if (req.method !== 'POST') sendError(res, METHOD_NOT_SUPPORTED);
    // Only incident is writable here; the other tables exist to be read.
    else if (table !== INCIDENT) sendError(res, NOT_AUTHORIZED);
    else create(req, res);
  });

  router.all('/:table/:sysId', (req, res) => {
    const table = tableOf(req, res);
    if (!table) return;
    const sysId = String(req.params.sysId);
    if (req.method === 'GET') {
      const row = store.get(table.name, sysId);
      if (!row) sendError(res, RECORD_NOT_FOUND);
      else sendRecord(req, res, table, row, 200);
    } else if (!['PUT', 'PATCH', 'DELETE'].includes(req.method)) {
      sendError(res, METHOD_NOT_SUPPORTED);
    } else if (table !== INCIDENT) {
      sendError(res, NOT_AUTHORIZED);
    } else if (req.method === 'DELETE') {
      if (incidents.delete(sysId)) sendEmpty(res, 204);
      else sendError(res, RECORD_NOT_FOUND);
    } else {
      update(req, res, sysId);
    }
  });

  return router;
}
