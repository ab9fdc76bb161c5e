/**
 * CPU time of this process by thread name, from /proc (Linux): how a run's CPU splits between
 * the JavaScript thread ("node (JavaScript)"), the threads that inherit the process's name
 * ("node": libuv's pool, where chDB's calls run, and V8's helpers) and chDB's engine threads.
 * Names ending in digits are grouped ("QueryPipelineEx#"). Empty where /proc is not there.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'

const TICKS_PER_S = 100 // USER_HZ on Linux

export function threadCpuMs(): Record<string, number> {
  if (!existsSync('/proc/self/task')) return {}
  const out: Record<string, number> = {}
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const comm = readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim().replace(/[0-9]+$/, '#')
      // libuv's pool threads (where chDB's calls run) inherit the process's name: tell the main thread apart.
      const name = Number(t) === process.pid ? `${comm} (JavaScript)` : comm
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out[name] = (out[name] ?? 0) + ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_S) * 1000
    } catch {
      // the thread ended between listing and reading
    }
  }
  return out
}

/** CPU ms per thread name between two readings, largest first, dropping names under 1% of the total. */
export function threadCpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const delta = Object.entries(after).map(([k, v]) => [k, Math.round(v - (before[k] ?? 0))] as const)
  const total = delta.reduce((s, [, v]) => s + v, 0)
  return Object.fromEntries(delta.filter(([, v]) => v > total / 100).sort((a, b) => b[1] - a[1]))
}
