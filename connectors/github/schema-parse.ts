/**
 * The two schema checks every action makes, as typed errors: its input (a caller's mistake,
 * never retried) and GitHub's answer against the provider schema (a changed or broken API).
 */
import { z } from 'zod';
import { GitHubApiError } from './errors';

function summary(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/** Parses an action's input or throws `invalid_input`. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, action: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new GitHubApiError('invalid_input', `Invalid input for ${action}: ${summary(parsed.error)}`);
  return parsed.data;
}

/** Parses a GitHub answer with a provider schema or throws `invalid_response`. */
export function parseProvider<S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new GitHubApiError('invalid_response', `GitHub ${what} answered with an unexpected shape: ${summary(parsed.error)}`);
  return parsed.data;
}
