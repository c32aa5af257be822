/**
 * Slack answers checked against what an action reads from them. `@slack/web-api` types every
 * field as optional; parsing turns a missing field into one clear error instead of an
 * `undefined` travelling into an action's output.
 */
import { z } from 'zod';

export class SlackAnswerError extends Error {
  override readonly name = 'SlackAnswerError';
}

/** The answer of `method`, parsed with `schema`, or a {@link SlackAnswerError} naming the fields. */
export function parseAnswer<S extends z.ZodType>(schema: S, answer: unknown, method: string): z.output<S> {
  const parsed = schema.safeParse(answer);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(answer)'}: ${i.message}`).join('; ');
  throw new SlackAnswerError(`Slack ${method} answered with an unexpected shape: ${fields}`);
}

/** What chat.postMessage and chat.update answer that a receipt needs: where the message is. */
export const messageAnswerSchema = z.object({ channel: z.string().min(1), ts: z.string().min(1) });
