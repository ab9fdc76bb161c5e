import { describe, expect, it } from 'vitest'
import { HEAP_GROWING_PERCENT, limitHeapGrowth } from './heap-growth.js'

describe('limitHeapGrowth', () => {
  const run = (execArgv: string[], nodeOptions: string) => {
    const set: string[] = []
    limitHeapGrowth(execArgv, nodeOptions, (f) => set.push(f))
    return set
  }

  it('sets V8\'s heap growing percent when nobody chose one', () => {
    expect(run(['--enable-source-maps'], '--max-old-space-size=2048')).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`])
  })

  it('leaves a value given on the command line or in NODE_OPTIONS alone', () => {
    expect(run(['--heap-growing-percent=100'], '')).toEqual([])
    expect(run([], '--max-old-space-size=512 --heap_growing_percent=20')).toEqual([])
  })
})
