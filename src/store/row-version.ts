/**
 * Row versions of ReplacingMergeTree(version) tables, where the higher version wins. A version
 * taken from the writing host's clock alone loses to a row written by a host whose clock ran
 * ahead (or by this host before its clock was set back), and the change silently does nothing.
 * So a change's version is
 *   max(now, the writer's previous version + 1, the highest stored version + 1)
 * the evaluator's rule for its windows too (src/evaluate/eval-version.ts `nextEvalVersion`).
 */

/** The next version: above the clock's `nowMs`, the writer's previous version `lastMs` and the highest stored one. */
export const nextRowVersion = (nowMs: number, lastMs = 0, storedMs = 0): number => Math.max(nowMs, lastMs + 1, storedMs + 1)
