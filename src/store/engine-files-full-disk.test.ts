import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'

// A disk that fills while a file is written: the first half lands, then ENOSPC.
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  return {
    ...fs,
    writeFile: async (file: string, data: string | Uint8Array) => {
      await fs.writeFile(file, typeof data === 'string' ? data.slice(0, data.length / 2) : data.subarray(0, data.length / 2))
      throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' })
    },
  }
})

const { chdbFileInsertRowBinary, chdbStringSet } = await import('./clickhouse.js')

describe('files the embedded engine reads, on a disk that fills', () => {
  it('leaves no part-written file behind when writing it fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-engine-full-'))
    const insert = chdbFileInsertRowBinary(async () => undefined, 'db', dir)
    await expect(insert('predictions', { columns: ['x'], structure: 'x String' }, Buffer.alloc(4096, 1), 't')).rejects.toMatchObject({ code: 'DW_CLICKHOUSE_UNAVAILABLE' })
    await expect(chdbStringSet(dir)(['x'.repeat(4096)], async () => undefined)).rejects.toMatchObject({ code: 'DW_CLICKHOUSE_UNAVAILABLE' })
    expect(readdirSync(dir)).toEqual([])
  })
})
