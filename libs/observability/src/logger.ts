// The process logger: JSON lines on stdout, with ids, codes, durations and counts only.
// Nothing logs request or response bodies; the redaction paths are a second line of defence
// for credentials that might be attached by mistake.
import { pino, type Logger, type LoggerOptions } from 'pino';
import { safeError } from './safe-error.js';

export type { Logger } from 'pino';

export const REDACTED_PATHS = [
  'authorization',
  'password',
  'token',
  'secret',
  '*.authorization',
  '*.Authorization',
  '*.cookie',
  '*.password',
  '*.token',
  '*.secret',
  '*.headers',
  '*.body',
  'headers',
  'body',
];

export interface LoggerConfig {
  service: string;
  level?: string;
  /** Where lines go; stdout unless a test passes its own stream. */
  destination?: pino.DestinationStream;
}

export function createLogger(config: LoggerConfig): Logger {
  const options: LoggerOptions = {
    level: config.level ?? 'info',
    base: { service: config.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: safeError, error: safeError },
    formatters: { level: (label) => ({ level: label }) },
  };
  return config.destination ? pino(options, config.destination) : pino(options, pino.destination({ sync: false }));
}
