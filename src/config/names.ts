/**
 * Names driftwatch.yaml declares (model ids, the positive class, feature, threshold, protected and
 * pii names) end up in terminals, logs, alert messages and the web UI, and a model id keys windows
 * and marks. A terminal obeys what it is sent, so a name carries none of the characters that
 * ../terminal-text.ts escapes for display: C0 controls (ESC, NUL, tab, newline), DEL, C1 controls
 * and the bidi embeddings, overrides and isolates. The set is terminal-text's own
 * (unsafeCharacterAt). Ingest refuses only C0 controls and DEL in model ids and versions
 * (src/ingest/validate.ts): a producer's id with a bidi character is stored verbatim and shown
 * escaped. Pure.
 */
import { unsafeCharacterAt } from '../terminal-text.js'

/** The problem of a name holding such a character, in one line, or null when it holds none. */
export function unsafeNameProblem(name: string): string | null {
  const at = unsafeCharacterAt(name)
  if (at < 0) return null
  const code = name.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')
  return `contains U+${code} at position ${at}, a control or bidi formatting character a terminal would obey: remove it`
}
