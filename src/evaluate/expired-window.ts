/**
 * Whether an evaluation may keep a window's stored evaluation instead of replacing it. Pure: the
 * evaluator (./evaluator.ts) reads the counts, asks about erasures and writes.
 *
 * Raw rows (predictions, ground_truth) expire one by one, retention.raw after they were ingested,
 * while a window's metric rows, window_state and detector checkpoints live for retention.metrics
 * (src/store/retention.ts). So a window can come due after every one of its predictions expired:
 * a model silent for longer than retention.raw closes its last windows when it resumes
 * (./due.ts), a retry or a mark (a detector replay, a reference that gained data) reaches it late.
 * Evaluated, it would be stored under a new version (the newest wins everywhere) with 0
 * predictions and no figures, hiding metrics computed when its rows were there.
 *
 * Rule: an evaluation that finds none of a window's predictions does not replace a stored
 * evaluation that counted some when the window is old enough for its predictions to have expired
 * (mayHaveExpired), unless an erasure mark is newer than the window's last evaluation (the data
 * was removed on purpose: an erasure must leave the window without the subject, even at 0
 * predictions). The evaluator reads that last condition only for the windows the others select
 * (due.ts erasedSinceEvaluation). A recompute mark is no such word: it asks to compute again from
 * what is stored, and nothing is. A window too recent for expiry that lost all its predictions
 * lost them otherwise (re-sent under another version or event time): it is evaluated as usual.
 *
 * Partial expiry (some of the window's rows gone) is not caught: the window is evaluated from the
 * rows left (docs/evaluation.md, known limits).
 */
export interface WindowCounts {
  /** Predictions counted by the window's newest stored evaluation (window_summary; 0: none stored). */
  readonly storedPredictions: number
  /** Predictions of the window stored now, as this evaluation found them. */
  readonly foundPredictions: number
  /** The window is old enough for its predictions to have expired (mayHaveExpired). */
  readonly expirable: boolean
}

/** True when the stored evaluation is kept, unless an erasure newer than it made the window due. */
export const keepsStoredEvaluation = (c: WindowCounts): boolean => c.storedPredictions > 0 && c.foundPredictions === 0 && c.expirable

/**
 * The start before which a window's predictions may all have expired at `nowMs`. Ingest refuses an
 * event time more than `maxFutureMs` after its ingest (src/ingest/validate.ts), so a prediction of
 * a window starting at s was ingested at s − maxFutureMs or later, and expired (ingested before
 * nowMs − rawMs) only if s < nowMs − rawMs + maxFutureMs.
 */
export const expirableBeforeMs = (nowMs: number, rawMs: number, maxFutureMs: number): number => nowMs - rawMs + maxFutureMs
