/** Errors the API answers with: a status, a stable machine-readable code and a reason. */
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

interface BodyParserError { type?: string; status?: number; expose?: boolean }

/** Last middleware: every failure becomes `{ error: { code, message } }`, never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
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
