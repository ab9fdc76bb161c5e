/**
 * Text from data (feature, segment, group, category and class names, alert subjects, file
 * columns, error messages quoting them) as a terminal is to show it. Producers send these names,
 * and a terminal obeys what it is sent: ESC starts a sequence that recolours, clears the screen,
 * moves the cursor or plants a hyperlink (OSC 8), BEL ends one, C1 CSI (U+009B) is ESC [ on many
 * terminals, and the bidi overrides and isolates reorder what follows them on the line. So each
 * such character is shown as its JavaScript/JSON escape, `\u` and four lowercase hex digits:
 * ESC as `\u001b`, BEL as `\u0007`, U+202E as `\u202e`.
 *
 * Escaped: C0 controls U+0000–U+001F (tab and newline too: a name is one cell of one line), DEL
 * U+007F, C1 controls U+0080–U+009F, the bidi embeddings and overrides U+202A–U+202E and isolates
 * U+2066–U+2069. Everything else is kept as it is, backslashes included: rendering is idempotent
 * (text already rendered comes out unchanged), and the JSON escape is what JSON output holds, so
 * a JSON document passed through terminalLines parses to the same value. Pure.
 */

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
/** What JSON.stringify leaves raw of UNSAFE: all but the C0 controls, which it escapes. */
const UNSAFE_BUT_C0 = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/**
 * The index (UTF-16 code units) of the first character terminalText escapes, or -1: what
 * driftwatch.yaml refuses in any name it declares (src/config/names.ts).
 */
export function unsafeCharacterAt(text: string): number {
  return text.search(UNSAFE) // search starts at 0 and ignores the g flag's lastIndex
}

const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/** One cell or name on one line: every unsafe character escaped, newline and tab included. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, escape)
}

/** Text of several lines (a report, a multi-line error): as terminalText, but newlines stay line breaks. */
export function terminalLines(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escape)
}

/**
 * A JSON text (as JSON.stringify writes it) for a reader that parses it and then shows its strings
 * on a terminal, as pino-pretty does: each raw DEL, C1 control, bidi embedding, override and
 * isolate becomes an escaped backslash followed by the rest of terminalText's escape (U+202E
 * becomes the JSON `\\u202e`), so the parsed string holds terminalText's six characters `\u202e`
 * in its place. JSON.stringify leaves these characters raw only inside strings, where an escaped
 * backslash is valid, so the result is still valid JSON. Its C0 escapes (`\u001b`) are left as
 * they are: the reader gets the control character back and must deal with it. Pure.
 */
export function terminalTextInJson(json: string): string {
  return json.replace(UNSAFE_BUT_C0, (c) => `\\${escape(c)}`)
}
