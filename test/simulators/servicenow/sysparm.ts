import type { Request } from 'express';
import type { DisplayMode, RenderOptions } from './render';

/** First value of a query parameter (repeated parameters keep the first, as a servlet would). */
export function queryParam(req: Request, name: string): string | undefined {
  const value: unknown = req.query[name];
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/** ServiceNow booleans are the strings "true"/"false", case-insensitive. */
export function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === 'true';
}

function displayMode(value: string | undefined): DisplayMode {
  const lower = value?.toLowerCase();
  return lower === 'true' || lower === 'all' ? lower : 'false';
}

/** Render options from `sysparm_fields`, `sysparm_display_value` and `sysparm_exclude_reference_link`. */
export function renderOptionsFrom(req: Request, baseUrl: string): RenderOptions {
  const fields = queryParam(req, 'sysparm_fields')
    ?.split(',')
    .map((field) => field.trim())
    .filter((field) => field !== '');
  return {
    fields: fields !== undefined && fields.length > 0 ? fields : undefined,
    displayValue: displayMode(queryParam(req, 'sysparm_display_value')),
    excludeReferenceLink: isTrue(queryParam(req, 'sysparm_exclude_reference_link')),
    baseUrl,
  };
}

/** An integer parameter (sign allowed, so callers can reject negatives); undefined when absent or not an integer. */
export function integerParam(req: Request, name: string): number | undefined {
  const raw = queryParam(req, name);
  if (raw === undefined || !/^-?\d+$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}
