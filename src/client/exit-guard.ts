/**
 * What the prediction logger does when its process ends without `close()`.
 *
 * The logger's timers are unref'd (a logger alone must not keep a finished script alive forever),
 * so once nothing else is pending Node would exit with events still buffered: kafkajs's socket is
 * what happened to keep the process alive, and a broker that closed the idle connection
 * (`connections.max.idle.ms`, 10 min by default) or is down leaves none.
 *
 * - `beforeExit` (the event loop is empty, the process is about to end): if events are buffered,
 *   close the logger on the caller's behalf: deliver them, then disconnect (else kafkajs's new
 *   connection would hold the process open until the broker drops it). close()'s timeouts are ref'd
 *   timers, so the process stays alive until Kafka has acknowledged them or close() gave up (the
 *   logger's `flushTimeoutMs`, plus as much for a send in flight). If it gave up, the loss is
 *   reported and the process is let go.
 * - `exit` (the process ends now: `process.exit()`, or after the above): events still buffered
 *   are reported, once, with their count.
 *
 * A report goes to `onLost` (the logger passes it to the caller's `onError`, guarded) and is a
 * process warning. `process.emitWarning` prints on the next tick, which never comes inside an
 * `exit` listener, so the warning is emitted as emitWarning would emit it then: the 'warning'
 * event, whose default listener prints it (and which --no-warnings leaves without one).
 */
import { DriftwatchError, describeError } from '../errors.js'

/** The part of `process` the guard uses, injected so it is tested without ending a process. */
export interface ExitingProcess {
  on(event: 'beforeExit' | 'exit', listener: () => void): unknown
  off(event: 'beforeExit' | 'exit', listener: () => void): unknown
  emit(event: 'warning', warning: Error): unknown
}

export interface ExitGuardOptions {
  readonly proc: ExitingProcess
  /** Events waiting to be acknowledged. */
  readonly buffered: () => number
  /** Delivers what is buffered and lets go of the connection; rejects when it gives up (bounded). */
  readonly close: () => Promise<void>
  /** Called (guarded) with each loss report. */
  readonly onLost: (error: DriftwatchError) => void
}

/** Installs the guard; returns its removal (close() calls it: after close() the guard has no job). */
export function guardExit(o: ExitGuardOptions): () => void {
  let closing = false
  let gaveUp = false
  let reported = -1
  const report = (why: string, cause?: unknown) => {
    const n = o.buffered()
    if (n === 0 || n === reported) return
    reported = n
    const error = new DriftwatchError(
      'DW_KAFKA_UNAVAILABLE',
      `the process is ending with ${n} event(s) the prediction logger never delivered (${why}); await logger.close() before the process ends`,
      { cause, buffered: n },
    )
    o.proc.emit('warning', error)
    try {
      o.onLost(error)
    } catch {
      // The caller's onError threw while the process ends: the warning above is the report.
    }
  }
  const onBeforeExit = () => {
    if (closing || gaveUp || o.buffered() === 0) return
    closing = true
    o.close().then(
      () => {
        closing = false
      },
      (cause: unknown) => {
        closing = false
        gaveUp = true
        report(describeError(cause), cause)
      },
    )
  }
  const onExit = () => report('the process exited while they were buffered')
  return watch(o.proc, { onBeforeExit, onExit })
}

interface Guard {
  readonly onBeforeExit: () => void
  readonly onExit: () => void
}

/**
 * One pair of listeners per process, whatever the number of loggers (a listener each would pass
 * Node's limit of 10 and warn of a leak), over the guards of the loggers not closed yet.
 */
const watched = new WeakMap<ExitingProcess, Set<Guard>>()

function watch(proc: ExitingProcess, guard: Guard): () => void {
  let guards = watched.get(proc)
  if (guards === undefined) {
    const live = new Set<Guard>()
    guards = live
    watched.set(proc, live)
    proc.on('beforeExit', () => {
      for (const g of [...live]) g.onBeforeExit()
    })
    proc.on('exit', () => {
      for (const g of [...live]) g.onExit()
    })
  }
  guards.add(guard)
  const live = guards
  return () => void live.delete(guard)
}
