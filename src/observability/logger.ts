/**
 * Structured logs (pino). The only logger factory; secrets are redacted by path.
 *
 * Logs go to stderr, so a command's stdout carries only its output (`status --json`, a report,
 * `config validate`) and can be piped. On a terminal they are human-readable (pino-pretty);
 * elsewhere, e.g. under an orchestrator collecting them, one JSON object per line.
 * DRIFTWATCH_LOG_FORMAT=json|pretty chooses explicitly.
 */
import { pino, type Logger } from 'pino'
import pretty from 'pino-pretty'

export type { Logger }

export type LogFormat = 'json' | 'pretty'

export interface LoggerOptions {
  readonly name?: string
  /** Default: pretty when stderr is a terminal, else json. */
  readonly format?: LogFormat | null
}

const REDACT = { paths: ['*.password', '*.token', '*.secret', 'password', 'token', 'authorization', '*.authorization'], censor: '[redacted]' }

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const format = options.format ?? (process.stderr.isTTY ? 'pretty' : 'json')
  const destination =
    format === 'pretty'
      ? pretty({ destination: 2, sync: true, colorize: Boolean(process.stderr.isTTY), translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
      : pino.destination({ dest: 2, sync: true })
  return pino({ name: options.name ?? 'driftwatch', level, redact: REDACT }, destination)
}
