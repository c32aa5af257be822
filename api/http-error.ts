/** Errors the API answers with: a status, a stable machine-readable code and a reason. */
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { RunRefusedError, type RunRefusalCode } from '../runs/errors';

/** An answer the API gives on purpose: status, stable code, reason and optional details. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

/** The status for each refused run: runs/ knows nothing of HTTP, so the API decides here, once. */
const runRefusalStatus: Record<RunRefusalCode, number> = {
  run_not_found: 404,
  not_a_triage_run: 422,
  run_open: 409,
  nothing_to_revert: 409,
  revert_in_progress: 409,
};

/** The API's answer for an error a route may let through (its own or a domain refusal); undefined for anything else. */
export function asHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof RunRefusedError) return new HttpError(runRefusalStatus[err.code], err.code, err.message);
  return undefined;
}

interface BodyParserError { type?: string; status?: number; expose?: boolean }

/** Last middleware: every failure becomes `{ error: { code, message } }`, never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const answer = asHttpError(err);
    if (answer) {
      res.status(answer.status).json({ error: { code: answer.code, message: answer.message, ...(answer.details ? { details: answer.details } : {}) } });
      return;
    }
    const parserError = err as BodyParserError;
    if (parserError?.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'payload_too_large', message: 'request body is larger than this endpoint accepts' } });
      return;
    }
    if (parserError?.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'malformed_json', message: 'request body is not valid JSON' } });
      return;
    }
    if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500 && parserError.expose) {
      res.status(parserError.status).json({ error: { code: 'bad_request', message: (err as Error).message } });
      return;
    }
    logger.error({ err, path: req.path }, 'unhandled API error');
    res.status(500).json({ error: { code: 'internal_error', message: 'internal error' } });
  };
}
