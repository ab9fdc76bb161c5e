/**
 * Structured logs (pino). The only logger factory; secrets are redacted by path.
 *
 * Logs go to stderr, so a command's stdout carries only its output (`status --json`, a report,
 * `config validate`) and can be piped. On a terminal they are human-readable (pino-pretty);
 * elsewhere, e.g. under an orchestrator collecting them, one JSON object per line.
 * DRIFTWATCH_LOG_FORMAT=json|pretty chooses explicitly.
 *
 * Log fields quote producers' data (model ids, feature names, error messages), and an operator
 * tails the JSON lines in a terminal. JSON.stringify escapes the C0 controls, ESC among them, but
 * leaves DEL, the C1 controls (U+009B is ESC [ on many terminals) and the bidi overrides and
 * isolates raw. Each JSON line therefore passes through terminalLines (../terminal-text.ts) on its
 * way out, which writes those characters as \u escapes. They can only occur inside JSON strings,
 * where the escape is the same character, so every line stays valid JSON and parses back to the
 * same strings. The cost is one regex scan of the line: about 0.3 µs for a 250-character line,
 * against about 6 µs for pino to write it (measured once, Node 20, pino 10, redaction on).
 *
 * The pretty format needs the same, one step earlier. pino-pretty parses each JSON line and prints
 * its strings: messages and keys with control characters but tab and newline removed and bidi
 * characters raw, values through JSON.stringify, so with DEL, C1 and bidi characters raw. A \u
 * escape written into the JSON line would be undone by that parse, so the pretty lines pass
 * through terminalTextInJson, which writes an escaped backslash instead: the parsed strings hold
 * terminalText's escapes as text (`\u202e`), and pino-pretty prints them, its colours and line
 * breaks untouched (an error's fields, shown as JSON, show that backslash doubled). The scan
 * is the same as for JSON: about 1 µs for a 370-character line, against 50 to 130 µs for
 * pino-pretty to format and write it (measured once, Node 20, pino-pretty 13, on a busy machine).
 */
import { pino, type Logger } from 'pino'
import pretty from 'pino-pretty'
import { terminalLines, terminalTextInJson } from '../terminal-text.js'

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
  const hooks = { streamWrite: format === 'json' ? terminalLines : terminalTextInJson }
  return pino({ name: options.name ?? 'driftwatch', level, redact: REDACT, hooks }, destination)
}
