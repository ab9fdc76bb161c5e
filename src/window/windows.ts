/**
 * Tumbling event-time windows. Pure.
 *
 * A window is [start, start + sizeMs), aligned to the Unix epoch (so 1d windows are UTC days).
 * The watermark of a model is the largest event time seen minus the allowed lateness; a window
 * is closed once the watermark has passed its end. Closing triggers its evaluation. Events that
 * arrive for a closed window are not dropped: they are stored and the window is evaluated again
 * (a new metric version), just like late labels, however late they arrive.
 */
export interface WindowSpec {
  readonly sizeMs: number
  readonly allowedLatenessMs: number
}

export interface WindowKey {
  readonly modelId: string
  readonly modelVersion: string
  readonly startMs: number
}

export function windowStart(eventTimeMs: number, sizeMs: number): number {
  return Math.floor(eventTimeMs / sizeMs) * sizeMs
}

export function watermark(maxEventTimeMs: number, spec: WindowSpec): number {
  return maxEventTimeMs - spec.allowedLatenessMs
}

export function isClosed(startMs: number, spec: WindowSpec, watermarkMs: number): boolean {
  return watermarkMs >= startMs + spec.sizeMs
}
