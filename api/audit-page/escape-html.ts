/**
 * The one escaper for the audit pages. Every value they show (event details come from webhooks
 * and ServiceNow) goes through it, in text and in attribute values alike, so quotes are escaped too.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `value` as HTML text that shows it literally. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
