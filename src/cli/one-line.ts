/**
 * A CLI failure is one line on stderr (./main.ts): a message with a list in it (one problem per
 * line) is joined into `a; b; c`, and a long one is cut (a header row of a binary file, say).
 */
export function oneLine(text: string, max = 600): string {
  const line = text.trim().replace(/:\s*[\r\n]+\s*/g, ': ').replace(/\s*[\r\n]+\s*/g, '; ')
  return line.length > max ? `${line.slice(0, max)}...` : line
}
