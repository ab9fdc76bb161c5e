import { describe, expect, it } from 'vitest'
import type { Store } from './clickhouse.js'
import { ORPHAN_LABEL_IDENTITY, storedOffsets } from './offsets.js'

/** A store whose every query answers `text` (TabSeparated), and which keeps the queries asked. */
function storeAnswering(text: string): { store: Store; queries: string[] } {
  const queries: string[] = []
  const client = { query: async ({ query }: { query: string }) => (queries.push(query), { text: async () => text }) }
  return { store: { client, database: 'db' } as unknown as Store, queries }
}
const range = { table: 'predictions' as const, topic: 't', partition: 0, first: '0', last: '9' }

describe('storedOffsets', () => {
  it('reads each offset with the identity of every row and dead letter stored there', async () => {
    const { store, queries } = storeAnswering(['0\t3\tp-3', '0\t4\tp-4', '0\t4\told-4', '1\t5\tabc123', `1\t6\t${ORPHAN_LABEL_IDENTITY}`, ''].join('\n'))
    const stored = await storedOffsets(store, range)
    expect(stored.rows).toEqual(new Map([['3', ['p-3']], ['4', ['p-4', 'old-4']]]))
    expect(stored.dead).toEqual(new Map([['5', ['abc123']], ['6', [ORPHAN_LABEL_IDENTITY]]]))
    expect(queries[0]).toMatch(/FROM db\.predictions[\s\S]*UNION ALL[\s\S]*FROM db\.dead_letters/)
  })

  it('says whether a row of the partition is stored after the range, and only a row of the event table', async () => {
    const { store, queries } = storeAnswering(['0\t3\tp-3', '2\t12\t', ''].join('\n'))
    const stored = await storedOffsets(store, range)
    expect(stored).toEqual({ rows: new Map([['3', ['p-3']]]), dead: new Map(), rowsAfter: true })
    expect(queries[0]).toMatch(/SELECT 2 AS dead, source_offset, '' AS identity FROM db\.predictions[\s\S]*source_offset > \{last:UInt64\} LIMIT 1/)
    expect((await storedOffsets(storeAnswering('1\t5\tabc\n').store, range)).rowsAfter).toBe(false)
  })

  it('reads an id back as it was before the text format escaped it', async () => {
    const { store } = storeAnswering("0\t7\ta\\tb\\nc\\\\d\\'e\\0f\\rg\\bh\\fi\n")
    expect((await storedOffsets(store, range)).rows.get('7')).toEqual(["a\tb\nc\\d'e\0f\rg\bh\fi"])
  })
})
