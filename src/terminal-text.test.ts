import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { linesTo, textTo } from './cli/output.js'
import { terminalLines, terminalText, terminalTextInJson, unsafeCharacterAt } from './terminal-text.js'

/** What a terminal obeys rather than shows: C0 but newline, DEL, C1, bidi embeddings, overrides and isolates. */
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

const hyperlink = 'f\u001b[31mRED\u001b[0m\u001b]8;;http://evil.example/\u0007click\u001b]8;;\u0007'

describe('terminalText: a name from data as a terminal shows it', () => {
  it('ESC, BEL and the other C0 controls, DEL and C1 controls are shown as \\u escapes', () => {
    expect(terminalText('cat\u001b[2J')).toBe('cat\\u001b[2J')
    expect(terminalText(hyperlink)).toBe('f\\u001b[31mRED\\u001b[0m\\u001b]8;;http://evil.example/\\u0007click\\u001b]8;;\\u0007')
    expect(terminalText('\u0000\u0008\u000d\u001f\u007f')).toBe('\\u0000\\u0008\\u000d\\u001f\\u007f')
    expect(terminalText('a\u009b31mb\u0080\u0085\u009d')).toBe('a\\u009b31mb\\u0080\\u0085\\u009d')
  })

  it('tab and newline too: a name is one cell of one line', () => {
    expect(terminalText('a\tb\nc\r\nd')).toBe('a\\u0009b\\u000ac\\u000d\\u000ad')
  })

  it('the bidi embeddings, overrides and isolates are escaped', () => {
    const bidi = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069].map((c) => String.fromCharCode(c)).join('')
    expect(terminalText(`x${bidi}y`)).toBe('x\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069y')
  })

  it('every other character is kept: accents, other scripts, emoji, the characters just outside the ranges, backslashes', () => {
    const kept = 'é ü ñ 中文 العربية 😀 \u00a0\u00a9 \u2029\u202f\u2065\u206a C:\\path \\u001b'
    expect(terminalText(kept)).toBe(kept)
    expect(terminalText(' ~')).toBe(' ~')
  })

  it('is idempotent: rendered text comes out unchanged', () => {
    const once = terminalText(`${hyperlink}\t\u202e\u009b`)
    expect(once).not.toMatch(TERMINAL_CONTROL)
    expect(terminalText(once)).toBe(once)
  })
})

describe('terminalLines: text of several lines', () => {
  it('keeps newlines as line breaks and escapes the rest', () => {
    expect(terminalLines('a\u001b[2J\nb\tc\r\n')).toBe('a\\u001b[2J\nb\\u0009c\\u000d\n')
  })

  it('a JSON document passed through it parses to the same value, with nothing a terminal obeys left in it', () => {
    const value = { subject: `${hyperlink}\u009b2J\u202eevil\u007f`, groups: { 'a\tb': 1 } }
    const json = JSON.stringify(value, null, 2)
    // JSON.stringify escapes C0 controls only: C1, DEL and the bidi characters stay raw in strings.
    expect(json).toMatch(TERMINAL_CONTROL)
    const shown = terminalLines(json)
    expect(shown).not.toMatch(TERMINAL_CONTROL)
    expect(JSON.parse(shown)).toEqual(value)
  })
})

describe('terminalTextInJson: JSON for a reader that parses it and shows its strings', () => {
  it('parses to strings that hold the escapes of DEL, C1 controls and bidi characters as text, with nothing a terminal obeys left in the JSON', () => {
    const value = { subject: 'a\u202eb\u009b31m\u007f', groups: { 'k\u2066ey\u0085': ['x\u2069'] }, n: 1 }
    const json = terminalTextInJson(JSON.stringify(value))
    expect(json).not.toMatch(TERMINAL_CONTROL)
    expect(JSON.parse(json)).toEqual({ subject: 'a\\u202eb\\u009b31m\\u007f', groups: { 'k\\u2066ey\\u0085': ['x\\u2069'] }, n: 1 })
  })

  it('leaves the C0 escapes JSON.stringify writes, so each parsed string shows as terminalText shows the original', () => {
    const strings = [`${hyperlink}\u202e\t\n`, 'C:\\path\\u202e\u009b', 'größe 中文 😀']
    const parsed = JSON.parse(terminalTextInJson(JSON.stringify(strings))) as string[]
    expect(parsed[0]).toBe(`${hyperlink}\\u202e\t\n`)
    expect(parsed.map(terminalText)).toEqual(strings.map(terminalText))
  })

  it('leaves JSON without such characters as it is, backslashes and written escapes included', () => {
    const json = JSON.stringify({ path: 'C:\\x\\u202e', esc: '\u001b[2J', name: 'größe 😀' })
    expect(terminalTextInJson(json)).toBe(json)
  })
})

describe('the CLI writers', () => {
  it('linesTo writes each line rendered for a terminal, then a newline; textTo writes text as terminalLines renders it', () => {
    const stream = new PassThrough()
    let out = ''
    stream.on('data', (c: Buffer) => (out += c.toString('utf8')))
    linesTo(stream)(`driftwatch: DW_FILE_INVALID: column "${hyperlink}" appears twice`)
    textTo(stream)('report\u001b[2J\nline\u202e\n')
    expect(out).toBe(`driftwatch: DW_FILE_INVALID: column "${terminalText(hyperlink)}" appears twice\nreport\\u001b[2J\nline\\u202e\n`)
    expect(out).not.toMatch(TERMINAL_CONTROL)
  })
})

describe('unsafeCharacterAt: where a name holds a character a terminal would obey', () => {
  it('finds the first C0 control, DEL, C1 control, bidi override or isolate', () => {
    expect(unsafeCharacterAt('\u001b[31m')).toBe(0)
    expect(unsafeCharacterAt('ab\u007f')).toBe(2)
    expect(unsafeCharacterAt('a\u0085b\u001b')).toBe(1)
    expect(unsafeCharacterAt('abc\u202ed')).toBe(3)
    expect(unsafeCharacterAt('x\u2069')).toBe(1)
  })

  it('counts UTF-16 code units, as ingest does, and is not misled by a backslash or a written escape', () => {
    expect(unsafeCharacterAt('😀\u001b')).toBe(2)
    expect(unsafeCharacterAt('C:\\path\\u001b\u009b')).toBe(13)
  })

  it('is -1 for a name with none', () => {
    for (const name of ['', 'loan-approval', 'größe (cm) 中文 😀', '\u00a0\u2029\u202f\u2065\u206a', '\\u001b']) expect(unsafeCharacterAt(name)).toBe(-1)
  })
})
