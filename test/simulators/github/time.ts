/** GitHub timestamps are ISO 8601 UTC without fractional seconds: `2011-04-10T20:09:31Z`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Epoch seconds, rounded down. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
