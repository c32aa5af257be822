/** Bolt's Logger interface on top of pino, so Slack framework messages land in our (redacted) log. */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

export function boltLogger(logger: Logger): BoltLogger {
  let level: LogLevel = LogLevel.WARN;
  return {
    debug: (...msg: unknown[]) => logger.debug({ bolt: true }, msg.map(String).join(' ')),
    info: (...msg: unknown[]) => logger.info({ bolt: true }, msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => logger.warn({ bolt: true }, msg.map(String).join(' ')),
    error: (...msg: unknown[]) => logger.error({ bolt: true }, msg.map(String).join(' ')),
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}
