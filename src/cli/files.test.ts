import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { assertTextFile, escapedPreview, readTextFile, writeTextFile } from './files.js'

describe('CLI file edge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-files-'))

  it('previews bytes on one line: printable ASCII as is, the rest escaped, cut after n', () => {
    expect(escapedPreview(Buffer.from([0x50, 0x4b, 0x00, 0x0a, 0xff, 0x5c, 0x41]), 6)).toBe('PK\\x00\\x0a\\xff\\\\...')
    expect(escapedPreview(Buffer.from('a,b'))).toBe('a,b')
  })

  it('refuses a directory, a missing file and binary content with DW_FILE_* codes', () => {
    const binary = join(dir, 'x.csv')
    writeFileSync(binary, Buffer.concat([Buffer.from('id,'), Buffer.alloc(5000, 0)]))
    expect(() => assertTextFile(dir, 'input', 'CSV')).toThrow(expect.objectContaining({ code: 'DW_FILE_INVALID', message: expect.stringMatching(/it is a directory/) }))
    expect(() => assertTextFile(join(dir, 'none.csv'), 'input', 'CSV')).toThrow(expect.objectContaining({ code: 'DW_FILE_NOT_FOUND' }))
    expect(() => assertTextFile(binary, 'input', 'CSV')).toThrow(expect.objectContaining({ code: 'DW_FILE_INVALID', message: expect.stringMatching(/not a text file \(it starts with "id,\\x00\\x00/) }))
  })

  it('reads a pipe (DRIFTWATCH_CONFIG=<(...)) whole, which cannot be read from its start twice', async () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'dw-files-')), 'config.fifo')
    execFileSync('mkfifo', [fifo])
    const writer = spawn('sh', ['-c', `printf 'models:\\n  - id: m\\n' > '${fifo}'`])
    const exited = new Promise((resolve) => writer.on('exit', resolve))
    expect(readTextFile(fifo, 'configuration file', 'YAML')).toBe('models:\n  - id: m\n')
    await exited
  })

  it('refuses to write into a directory or a missing folder with DW_FILE_UNWRITABLE', () => {
    expect(() => writeTextFile(dir, 'x', '--output')).toThrow(expect.objectContaining({ code: 'DW_FILE_UNWRITABLE' }))
    expect(() => writeTextFile(join(dir, 'no', 'r.json'), 'x', '--output')).toThrow(expect.objectContaining({ code: 'DW_FILE_UNWRITABLE', message: expect.stringMatching(/folder .*no does not exist/) }))
  })

  // Linux's /proc exists and takes no new file; creating one there fails with ENOENT, not EACCES.
  it.runIf(existsSync('/proc/self'))('does not call a folder that exists missing when a file cannot be created in it', () => {
    expect(() => writeTextFile('/proc/driftwatch-report.json', 'x', '--output')).toThrow(expect.objectContaining({ code: 'DW_FILE_UNWRITABLE', message: 'cannot write --output /proc/driftwatch-report.json: no file can be created in /proc; choose another path' }))
  })
})
