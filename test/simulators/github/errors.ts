/**
 * GitHub REST error answers: a status plus the `{message, documentation_url, status}` body
 * (wire reference §3 "Errors"; newer responses add `status` as a string).
 */

/** An error answer. */
export interface ErrorSpec {
  status: number;
  message: string;
  documentationUrl: string;
  /** Validation errors (422). */
  errors?: Array<Record<string, string>>;
}

/** The JSON body GitHub sends with an error. */
export interface GitHubErrorBody {
  message: string;
  documentation_url: string;
  status: string;
  errors?: Array<Record<string, string>>;
}

const REST_DOCS = 'https://docs.github.com/rest';
const RATE_LIMIT_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';

/** 404 for anything missing or invisible to the caller (GitHub hides private repositories this way). */
export function notFound(documentationUrl = REST_DOCS): ErrorSpec {
  return { status: 404, message: 'Not Found', documentationUrl };
}

/** 401 for a missing, wrong, expired or revoked installation token. */
export const BAD_CREDENTIALS: ErrorSpec = { status: 401, message: 'Bad credentials', documentationUrl: REST_DOCS };

/** 401 for an endpoint that needs credentials and got none. */
export const REQUIRES_AUTHENTICATION: ErrorSpec = { status: 401, message: 'Requires authentication', documentationUrl: REST_DOCS };

/** 401 for a JWT that is malformed, signed with the wrong key, or names an unknown app. */
export const JWT_UNDECODABLE: ErrorSpec = {
  status: 401,
  message: 'A JSON web token could not be decoded',
  documentationUrl: REST_DOCS,
};

/** 401 for a JWT whose `exp` has passed (Octokit treats this as clock skew and retries once). */
export const JWT_EXPIRED: ErrorSpec = {
  status: 401,
  message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
  documentationUrl: REST_DOCS,
};

/** 401 for a JWT whose `exp` is more than 10 minutes ahead. */
export const JWT_EXP_TOO_FAR: ErrorSpec = {
  status: 401,
  message: "'Expiration time' claim ('exp') is too far in the future",
  documentationUrl: REST_DOCS,
};

/** 401 for a JWT whose `iat` is not an integer or lies in the future. */
export const JWT_BAD_IAT: ErrorSpec = {
  status: 401,
  message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
  documentationUrl: REST_DOCS,
};

/** 403 for an installation token lacking the permission an endpoint needs. */
export function resourceNotAccessible(documentationUrl: string): ErrorSpec {
  return { status: 403, message: 'Resource not accessible by integration', documentationUrl };
}

/** 403 for a request without `User-Agent`, which GitHub requires. */
export const USER_AGENT_REQUIRED: ErrorSpec = {
  status: 403,
  message: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header',
  documentationUrl: REST_DOCS,
};

/** Primary rate limit exhausted (sent with `x-ratelimit-remaining: 0`). */
export function primaryRateLimited(status: 403 | 429, subject: string): ErrorSpec {
  return { status, message: `API rate limit exceeded for ${subject}.`, documentationUrl: RATE_LIMIT_DOCS };
}

/** Secondary rate limit (remaining is not 0; usually sent with `retry-after`). */
export function secondaryRateLimited(status: 403 | 429, requestId: string): ErrorSpec {
  return {
    status,
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. '
      + `If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
    documentationUrl: `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`,
  };
}

/** 422 with one validation error. */
export function validationFailed(resource: string, field: string, documentationUrl: string): ErrorSpec {
  return { status: 422, message: 'Validation Failed', documentationUrl, errors: [{ resource, code: 'invalid', field }] };
}

/** 422 with a plain message (token requests outside the installation's scope). */
export function unprocessable(message: string, documentationUrl: string): ErrorSpec {
  return { status: 422, message, documentationUrl };
}

/** 400 for a body that is not JSON. */
export const PROBLEMS_PARSING_JSON: ErrorSpec = { status: 400, message: 'Problems parsing JSON', documentationUrl: REST_DOCS };

/** The body of an injected error fault with no message of its own. */
export function defaultErrorFor(status: number): ErrorSpec {
  if (status === 401) return BAD_CREDENTIALS;
  if (status === 404) return notFound();
  if (status >= 500) return { status, message: 'Server Error', documentationUrl: REST_DOCS };
  return { status, message: 'Bad Request', documentationUrl: REST_DOCS };
}

/** Builds the JSON body for an error. */
export function errorBody(spec: ErrorSpec): GitHubErrorBody {
  return {
    message: spec.message,
    documentation_url: spec.documentationUrl,
    status: String(spec.status),
    ...(spec.errors ? { errors: spec.errors } : {}),
  };
}
