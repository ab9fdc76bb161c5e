/**
 * How far V8 lets the JavaScript heap grow past what survived the last full collection before it
 * collects again. Node's default on a machine with gigabytes of memory is up to 4x: with a live
 * set of ~60 MiB (the join index, code, kafkajs state) the bench's runs held 180-290 MiB of heap,
 * mostly garbage waiting for a collection (docs/operations.md, "Memory"). 1.5x keeps the heap near
 * what is live, for more frequent (mostly concurrent) full collections.
 *
 * Set at start-up, through V8's runtime flag; a `--heap-growing-percent` given on node's command
 * line or in NODE_OPTIONS wins.
 */
import { setFlagsFromString } from 'node:v8'

export const HEAP_GROWING_PERCENT = 50

export function limitHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env['NODE_OPTIONS'] ?? '',
  setFlag: (flag: string) => void = setFlagsFromString,
): void {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))
  if (!given) setFlag(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`)
}
