// Routes the framework's own log calls into the process logger. Errors handed to it go through
// the same safe serializer; strings are the framework's own messages.
import type { Logger } from 'pino';
import { safeError } from './safe-error.js';

type LogFn = (message: unknown, ...optional: unknown[]) => void;

export interface FrameworkLogger {
  log: LogFn;
  error: LogFn;
  warn: LogFn;
  debug: LogFn;
  verbose: LogFn;
  fatal: LogFn;
}

export function frameworkLogger(logger: Logger): FrameworkLogger {
  const write =
    (level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal'): LogFn =>
    (message, ...optional) => {
      const context = typeof optional.at(-1) === 'string' ? (optional.at(-1) as string) : undefined;
      if (message instanceof Error) {
        logger[level]({ context, err: safeError(message) }, 'framework error');
        return;
      }
      if (typeof message === 'string') {
        logger[level]({ context }, message);
        return;
      }
      logger[level]({ context }, 'framework event');
    };
  return {
    log: write('info'),
    error: write('error'),
    warn: write('warn'),
    debug: write('debug'),
    verbose: write('trace'),
    fatal: write('fatal'),
  };
}
