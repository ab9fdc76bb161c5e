/**
 * A leader that stalls with a heartbeat's answer on the wire: two instances, each in a process of
 * its own, lead the alerts role in turn. The leader blocks its event loop for 15 s right after
 * it writes a Heartbeat request, longer than the 10 s session timeout: the coordinator evicts it
 * and elects the other. When it runs again, the first thing it handles is the old answer; its
 * lease must not count from that moment. Asserted from each process's own record of when
 * `holdsLease()` was true while it ran: the two never overlap.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { testConfig, uniqueName } from './support/config.js'
import { waitFor } from './support/wait.js'

interface Line {
  readonly name: string
  readonly t: number
  readonly ev?: string
  readonly holds?: boolean
}

const root = join(import.meta.dirname, '..')

describe('a leader stalled past its session', () => {
  const config = testConfig()
  const group = uniqueName('stall')
  const prefix = `${uniqueName('stall')}.`
  const lines: Line[] = []
  const children: ChildProcess[] = []

  const start = (name: string) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/leadership-stall-child.ts'), name, config.kafka!.brokers.join(','), group, prefix], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    let buffered = ''
    child.stdout!.on('data', (d: Buffer) => {
      buffered += String(d)
      for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
        lines.push(JSON.parse(buffered.slice(0, i)) as Line)
        buffered = buffered.slice(i + 1)
      }
    })
    children.push(child)
    return child
  }
  /**
   * The spans in which `name` held the lease and ran, each [from, to) (to: now while it still
   * holds). A stalled process does nothing: its span ends when it stalls, and its first check
   * after the stall says whether it holds the lease again.
   */
  const held = (name: string, now: number): [number, number][] => {
    const spans: [number, number][] = []
    let open = false
    for (const l of lines.filter((x) => x.name === name)) {
      if (l.holds === true && !open) {
        spans.push([l.t, now])
        open = true
      } else if ((l.holds === false || l.ev === 'stalled') && open) {
        spans[spans.length - 1]![1] = l.t
        open = false
      }
    }
    return spans
  }
  /** The instances whose last word was that they hold the lease. */
  const holder = () => ['A', 'B'].filter((n) => lines.findLast((l) => l.name === n && l.holds !== undefined)?.holds === true)

  afterAll(async () => {
    for (const c of children) c.stdin!.write('exit\n')
    await new Promise((r) => setTimeout(r, 2_000))
    for (const c of children) c.kill('SIGKILL')
  })

  it('does not hold its lease beside its successor when it runs again', { timeout: 120_000 }, async () => {
    const a = start('A')
    const b = start('B')
    await waitFor(async () => holder(), (h) => h.length === 1, { what: 'one leader', timeoutMs: 60_000 })
    await new Promise((r) => setTimeout(r, 2_000))
    const leader = holder()[0]!
    const other = leader === 'A' ? 'B' : 'A'
    ;(leader === 'A' ? a : b).stdin!.write('stall\n')
    await waitFor(async () => lines.some((l) => l.name === leader && l.ev === 'resumed'), (r) => r, { what: 'the stalled leader running again', timeoutMs: 60_000 })
    // The successor was elected during the stall; the old leader handles the stale answer, learns
    // of its eviction with its next heartbeat, and rejoins.
    expect(lines.some((l) => l.name === other && l.ev === 'elected' && l.t > lines.find((x) => x.ev === 'stalled')!.t)).toBe(true)
    await new Promise((r) => setTimeout(r, 8_000))
    const now = Date.now()
    const overlaps = held(leader, now).flatMap(([f1, t1]) => held(other, now).filter(([f2, t2]) => f1 < t2 && f2 < t1).map(([f2, t2]) => ({ from: Math.max(f1, f2), to: Math.min(t1, t2) })))
    expect(overlaps).toEqual([])
  })
})
