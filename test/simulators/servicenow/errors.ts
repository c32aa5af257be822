/** A Table API error: HTTP status plus the `message` / `detail` pair of the error body. */
export interface ErrorSpec {
  status: number;
  message: string;
  detail: string;
}

/** The Table API error body: `{"error":{"message","detail"},"status":"failure"}`. */
export interface ServiceNowErrorBody {
  error: { message: string; detail: string };
  status: 'failure';
}

/** Observed bodies (wire reference §1 "Errors"). */
export const NOT_AUTHENTICATED: ErrorSpec = {
  status: 401,
  message: 'User Not Authenticated',
  detail: 'Required to provide Auth information',
};

export const NOT_AUTHORIZED: ErrorSpec = {
  status: 403,
  message: 'User Not Authorized',
  detail: 'Failed API level ACL Validation',
};

export const RECORD_NOT_FOUND: ErrorSpec = {
  status: 404,
  message: 'No Record found',
  detail: "Record doesn't exist or ACL restricts the record retrieval",
};

/** v1 list answers with no rows. */
export const NO_MATCHING_RECORDS: ErrorSpec = {
  status: 404,
  message: 'No Record found',
  detail: 'Records matching query not found. Check query parameter or offset parameter',
};

export const NEGATIVE_OFFSET: ErrorSpec = { status: 400, message: 'Negative offset is not supported', detail: '' };

export const INVALID_JSON: ErrorSpec = {
  status: 400,
  message: 'Exception while reading request',
  detail: 'The payload is not valid JSON.',
};

export const EMPTY_BODY: ErrorSpec = { status: 400, message: 'Exception while reading request', detail: 'No request content' };

export const BODY_TOO_LARGE: ErrorSpec = {
  status: 413,
  message: 'Request entity too large',
  detail: 'The request body exceeds the 1 MB limit',
};

export const UNSUPPORTED_MEDIA_TYPE: ErrorSpec = {
  status: 415,
  message: 'Unsupported Media Type',
  detail: 'Requested content type is not supported',
};

export const NOT_ACCEPTABLE: ErrorSpec = {
  status: 406,
  message: 'Not Acceptable',
  detail: 'Requested response content type is not supported',
};

export const METHOD_NOT_SUPPORTED: ErrorSpec = { status: 405, message: 'Method not Supported', detail: '' };

export const NO_SUCH_RESOURCE: ErrorSpec = {
  status: 400,
  message: 'Requested URI does not represent any resource',
  detail: '',
};

/** 429 body; the real text is unconfirmed, only the status and Retry-After are. */
export const RATE_LIMITED: ErrorSpec = {
  status: 429,
  message: 'Rate limit exceeded',
  detail: 'Too many requests, retry after the time given in Retry-After',
};

/** `Invalid table <name>` (the text is unconfirmed upstream). */
export function invalidTable(name: string): ErrorSpec {
  return { status: 400, message: `Invalid table ${name}`, detail: '' };
}

/** The body an injected fault answers with when the test gives no message. */
export function defaultErrorFor(status: number): ErrorSpec {
  const known = [NOT_AUTHENTICATED, NOT_AUTHORIZED, RECORD_NOT_FOUND, RATE_LIMITED].find((spec) => spec.status === status);
  if (known) return known;
  if (status >= 500) return { status, message: 'Internal Server Error', detail: 'Transaction failed' };
  return { status, message: 'Bad Request', detail: '' };
}

/** Builds the JSON body for an error. */
export function errorBody(spec: ErrorSpec): ServiceNowErrorBody {
  return { error: { message: spec.message, detail: spec.detail }, status: 'failure' };
}
