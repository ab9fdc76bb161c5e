/**
 * ClickHouse's TabSeparated text form of a string, for the files of strings the embedded engine
 * reads as a table (Store.withStringSet, clickhouse.ts). Conventions (ClickHouse docs, formats
 * "TabSeparated" and "Data types in text"): a string escapes `\`, tab, newline, carriage return,
 * NUL, backspace and form feed with a backslash; `'` is escaped too, which TSV accepts.
 * Pure: no I/O.
 */

const SPECIAL = /[\\\t\n\r\0\b\f']/

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  "'": "\\'",
}

/** A string's text form, without quotes. Most strings have nothing to escape: one regex test. */
export function tsvEscape(s: string): string {
  return SPECIAL.test(s) ? s.replace(/[\\\t\n\r\0\b\f']/g, (c) => ESCAPES[c]!) : s
}

const UNESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', '0': '\0', b: '\b', f: '\f' }

/**
 * A string as it was before ClickHouse wrote it in TabSeparated text: the inverse of tsvEscape,
 * which writes what the engine writes for every ASCII character. A backslash before any other
 * character stands for that character.
 */
export function tsvUnescape(text: string): string {
  return text.includes('\\') ? text.replace(/\\(.)/gs, (_, c: string) => UNESCAPES[c] ?? c) : text
}
