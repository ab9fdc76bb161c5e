import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { chdbFileInsertRowBinary, chdbStringSet, removeStaleEngineFiles } from './clickhouse.js'

const LAYOUT = { columns: ['x'], structure: 'x String' }

/** What the engine would read: the file named in the statement, at the time it runs (a tick later). */
function engine() {
  const read: string[] = []
  const queryAsync = async (sql: string) => {
    await new Promise((r) => setTimeout(r, 5))
    read.push(readFileSync(/file\('([^']+)'/.exec(sql)![1]!, 'utf8'))
  }
  return { read, queryAsync }
}

describe('files the embedded engine reads', () => {
  it('stores sharing a directory in one process never share a file, and each file is gone after use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-engine-files-'))
    const a = engine()
    const b = engine()
    const insertA = chdbFileInsertRowBinary(a.queryAsync, 'db', dir)
    const insertB = chdbFileInsertRowBinary(b.queryAsync, 'db', dir)
    const setB = chdbStringSet(dir)
    await Promise.all([
      insertA('predictions', LAYOUT, Buffer.from('from a\n'), 't1'),
      insertB('ground_truth', LAYOUT, Buffer.from('from b\n'), 't2'),
      setB(['id\twith tab', 'plain'], (set) => b.queryAsync(set.sql)),
    ])
    expect(a.read).toEqual(['from a\n'])
    expect(b.read.sort()).toEqual(['from b\n', 'id\\twith tab\nplain\n'])
    expect(readdirSync(dir)).toEqual([])
  })

  it('a file is removed when the engine refuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-engine-files-'))
    const refuse = async () => Promise.reject(new Error('Code: 27. refused'))
    await expect(chdbFileInsertRowBinary(refuse, 'db', dir)('predictions', LAYOUT, Buffer.from('x\n'), 't')).rejects.toThrow('refused')
    await expect(chdbStringSet(dir)(['a'], refuse)).rejects.toThrow('refused')
    expect(readdirSync(dir)).toEqual([])
  })

  it('a store opening removes the files a stopped process left, and no file of its own process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-engine-files-'))
    const names: string[] = []
    await chdbFileInsertRowBinary(async (sql) => void names.push(/file\('([^']+)'/.exec(sql)![1]!.slice(dir.length + 1)), 'db', dir)('t', LAYOUT, Buffer.from('x\n'), 't')
    expect(names[0]).toMatch(new RegExp(`^${process.pid}-\\d+-insert\\.bin$`))
    writeFileSync(join(dir, `${process.pid + 1}-7-insert.bin`), 'left by a stopped process')
    writeFileSync(join(dir, `${process.pid}-999-set.tsv`), 'in use by another store of this process')
    removeStaleEngineFiles(dir)
    expect(readdirSync(dir)).toEqual([`${process.pid}-999-set.tsv`])
  })
})
