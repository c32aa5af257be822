/** A real pino logger whose lines are kept in memory, so tests can scan them for secrets. */
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../observability/logger';

export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      if (process.env.GATEHOUSE_TEST_LOGS === '1') process.stderr.write(chunk);
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}
