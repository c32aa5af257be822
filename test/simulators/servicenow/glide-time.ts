/** Formats an instant the way the Table API does: `YYYY-MM-DD HH:MM:SS`, UTC, whole seconds. */
export function glideDateTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}
