/** fetch's own message is "fetch failed": the reason (refused address, DNS, reset) is its cause's. */
export function fetchFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
  return cause ? `${message}: ${cause}` : message;
}
