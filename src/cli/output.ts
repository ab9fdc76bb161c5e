/**
 * Standard output and error when the reader goes away early: `driftwatch status | head -1`,
 * `grep -m1`, quitting `less`. Node reports each write after that as an 'error' event (EPIPE,
 * or ECONNRESET on a socket) on process.stdout; unhandled, it kills the process with a stack
 * trace, in the middle of the command's work and with the data directory's lock left behind.
 *
 * Once the reader is gone, what is written is dropped and the command carries on to its end
 * (recompute still evaluates the windows it marked, erase still deletes, the store is closed and
 * its lock released) and exits with its own code: 0 when it succeeded, as a pipeline with `head`
 * expects. Any other write error (a full disk behind `> file`) means the output is incomplete: the
 * command still finishes its work, then says so in one line on stderr and exits 1 (./main.ts).
 */
import type { Writable } from 'node:stream'
import { terminalLines } from '../terminal-text.js'

/** The reader closed its end: nobody reads what is written any more. */
const READER_GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED'])

export interface GuardedOutput {
  /** The first write error that was not the reader going away, with the stream's name. */
  failure(): { stream: string; message: string } | undefined
}

export function guardOutput(streams: Readonly<Record<string, Writable>> = { 'standard output': process.stdout, 'standard error': process.stderr }): GuardedOutput {
  let failed: { stream: string; message: string } | undefined
  for (const [name, stream] of Object.entries(streams)) {
    // A listener for good: every later write to a closed pipe fails the same way.
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== undefined && READER_GONE.has(e.code)) return
      failed ??= { stream: name, message: e.message }
    })
  }
  return { failure: () => failed }
}

/**
 * What a command writes to standard output or error, rendered for a terminal (../terminal-text.ts):
 * a name from data quoted in a line, an error message, a report or a JSON document (whose escapes
 * keep its value). `text` as it is; `lines` adds the newline each line ends with.
 */
export const textTo = (stream: Writable) => (text: string): void => void stream.write(terminalLines(text))
export const linesTo = (stream: Writable) => (line: string): void => void stream.write(`${terminalLines(line)}\n`)
