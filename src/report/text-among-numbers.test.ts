import { describe, expect, it } from 'vitest'
import { DEFAULT_REPORT_CONFIG } from './index.js'
import { reportFromCsv } from './csv-report.js'

const table = (cells: string[]) => ({ columns: ['x'], records: cells.map((x) => ({ x })) })

describe('a numerical reference column with a few text cells', () => {
  it('is read as categorical with a note naming the column and its text cells', async () => {
    const numbers = Array.from({ length: 99 }, (_, i) => String(i + 0.5))
    const report = await reportFromCsv(table([...numbers, 'n/a?']), table(numbers), DEFAULT_REPORT_CONFIG)
    const note = report.notes.find((n) => n.startsWith('column "x" is read as categorical'))
    expect(note).toContain('1 of its 100 non-missing reference cells are text ("n/a?")')
  })

  it('gets no such note when the column is text or has few numbers', async () => {
    const few = await reportFromCsv(table(['1', '2', '2', 'a']), table(['1', '2']), DEFAULT_REPORT_CONFIG)
    expect(few.notes.some((n) => n.includes('is read as categorical'))).toBe(false)
  })
})
