/** Arguments of one Web API call, after decoding the body. */
export type ApiParams = Record<string, unknown>;

/** A decoded Web API request, or the Slack error code for an undecodable one. */
export type DecodedRequest =
  | { ok: true; params: ApiParams; token: string | undefined }
  | { ok: false; error: string };

/** Raw pieces of an HTTP request that decoding needs. */
export interface RawApiRequest {
  contentType: string | undefined;
  authorization: string | undefined;
  body: Buffer;
  /** Query-string values; Slack reads arguments from the query string as well as the body. */
  query: Record<string, unknown>;
}

/**
 * Decodes a Web API request the way Slack does.
 *
 * - form-urlencoded (what `@slack/web-api` sends; nested values arrive as JSON strings),
 *   `text/plain` (parsed as form data) and multipart bodies may carry the token as a `token` field;
 * - JSON bodies must use `Authorization: Bearer`, because Slack ignores a `token` inside JSON.
 */
export async function decodeApiRequest(raw: RawApiRequest): Promise<DecodedRequest> {
  const params: ApiParams = {};
  for (const [key, value] of Object.entries(raw.query)) {
    if (typeof value === 'string') params[key] = value;
  }
  const bearer = bearerToken(raw.authorization);
  const mediaType = (raw.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw.body.length === 0) {
    return { ok: true, params, token: bearer };
  }
  if (mediaType === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.body.toString('utf8'));
    } catch {
      return { ok: false, error: 'invalid_json' };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { ok: false, error: 'json_not_object' };
    }
    return { ok: true, params: { ...params, ...(parsed as ApiParams) }, token: bearer };
  }
  let form: Iterable<[string, unknown]>;
  if (mediaType === 'application/x-www-form-urlencoded' || mediaType === 'text/plain' || mediaType === '') {
    form = new URLSearchParams(raw.body.toString('utf8'));
  } else if (mediaType === 'multipart/form-data') {
    // Let undici's own multipart parser do the work instead of re-implementing it.
    const data = await new Response(raw.body, { headers: { 'content-type': raw.contentType ?? '' } })
      .formData()
      .catch(() => undefined);
    if (data === undefined) return { ok: false, error: 'invalid_form_data' };
    form = data.entries();
  } else {
    return { ok: false, error: 'invalid_post_type' };
  }
  for (const [key, value] of form) {
    if (typeof value === 'string') params[key] = value;
  }
  const bodyToken = typeof params['token'] === 'string' && params['token'] !== '' ? params['token'] : undefined;
  return { ok: true, params, token: bearer ?? bodyToken };
}

/** The token of an `Authorization: Bearer …` header, if present and non-empty. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** A scalar argument as a string (JSON bodies may carry numbers or booleans). */
export function stringParam(params: ApiParams, key: string): string | undefined {
  const value = params[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A boolean argument: `true`/`1` in forms, or a JSON boolean. */
export function booleanParam(params: ApiParams, key: string): boolean | undefined {
  const value = params[key];
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0) return false;
  return undefined;
}
