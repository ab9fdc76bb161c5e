import { describe, expect, it } from 'vitest'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import type { Logger } from '../observability/logger.js'
import type { Store } from '../store/clickhouse.js'
import { Evaluator, type EvaluatorDeps, type TickReport } from './evaluator.js'

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => logger } as unknown as Logger
const REPORT: TickReport = { evaluated: 0, failed: 0, waiting: 0, orphans: 0, expired: 0 }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * An evaluator whose passes only count themselves (the store is never reached): `hold` makes the
 * first pass wait until the returned release is called.
 */
function counted(o: { hold?: boolean; passMs?: number } = {}) {
  const deps = { store: {} as Store, file: DEFAULT_FILE_CONFIG, deadLetters: {}, logger, now: Date.now } as unknown as EvaluatorDeps
  const evaluator = new Evaluator(deps)
  const state = { passes: 0, concurrent: 0, most: 0 }
  let release!: () => void
  const held = new Promise<void>((r) => (release = r))
  ;(evaluator as unknown as { tick: () => Promise<TickReport> }).tick = async () => {
    state.most = Math.max(state.most, ++state.concurrent)
    await (++state.passes === 1 && o.hold ? held : sleep(o.passMs ?? 5))
    state.concurrent--
    return REPORT
  }
  return { evaluator, state, release }
}

describe('evaluator loop', () => {
  it('runs its first pass right after start, not an interval later, and again after every start (each election)', async () => {
    const { evaluator, state } = counted()
    evaluator.start(60_000)
    await sleep(50)
    expect(state.passes).toBe(1)
    await evaluator.stop()
    evaluator.start(60_000)
    await sleep(50)
    await evaluator.stop()
    expect(state.passes).toBe(2)
  })

  it('never runs two passes at once, and runs none after stop, when started again while a pass is in progress', async () => {
    const { evaluator, state, release } = counted({ hold: true, passMs: 10 })
    evaluator.start(100)
    while (state.passes === 0) await sleep(5)
    // Deposed and elected again while the first pass is in progress.
    const stopped = evaluator.stop()
    evaluator.start(100)
    release()
    await stopped
    await sleep(450)
    await evaluator.stop()
    const after = state.passes
    expect(state.most).toBe(1)
    // One loop: the held pass, the one right after the restart, then about one per 100 ms.
    expect(after).toBeGreaterThanOrEqual(3)
    expect(after).toBeLessThanOrEqual(7)
    await sleep(250)
    expect(state.passes).toBe(after)
  })

  it('a pass asked for with evaluateNow waits for the loop\'s pass in progress', async () => {
    const { evaluator, state, release } = counted({ hold: true })
    evaluator.start(60_000)
    while (state.passes === 0) await sleep(5)
    const asked = evaluator.evaluateNow()
    await sleep(20)
    expect(state.passes).toBe(1)
    release()
    await expect(asked).resolves.toEqual(REPORT)
    await evaluator.stop()
    expect([state.passes, state.most]).toEqual([2, 1])
  })
})
