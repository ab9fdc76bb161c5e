/** Structured JSON logs (pino). The only logger factory; secrets are redacted by path. */
import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger(level: string, name = 'driftwatch'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['*.password', '*.token', '*.secret', 'password', 'token', 'authorization', '*.authorization'], censor: '[redacted]' },
  })
}
