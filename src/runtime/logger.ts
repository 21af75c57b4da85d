import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Log levels the `--log-level` flag accepts. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The process logger: pino JSON lines on stdout with ISO timestamps. Messages are fixed strings;
 * values go in fields (`log.info({ cluster }, 'cluster started')`).
 */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const options = { level, timestamp: pino.stdTimeFunctions.isoTime, base: { pid: process.pid } };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything: the default for components built without one (tests). */
export const silentLogger: Logger = pino({ level: 'silent' });
