/** Which reader a label file needs: asked for with --format, else named by the extension. */
import { extname } from 'node:path'
import { DriftwatchError } from '../errors.js'

export const LABEL_FORMATS = ['csv', 'jsonl'] as const
export type LabelFormat = (typeof LABEL_FORMATS)[number]

/**
 * The longest row a reader holds, in characters: the largest ingest.maxRecordBytes the
 * configuration allows. A longer row means a broken file (an unclosed quote, a missing line
 * break), and reading on would hold the rest of the file in memory.
 */
export const MAX_ROW_CHARS = 64 * 1024 * 1024

const EXTENSIONS: Readonly<Record<string, LabelFormat>> = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl' }

export function labelFormat(path: string, asked?: string): LabelFormat {
  if (asked !== undefined) {
    if ((LABEL_FORMATS as readonly string[]).includes(asked)) return asked as LabelFormat
    throw new DriftwatchError('DW_CONFIG_INVALID', `--format must be one of ${LABEL_FORMATS.join(', ')}, got "${asked}"`)
  }
  const format = EXTENSIONS[extname(path).toLowerCase()]
  if (!format) throw new DriftwatchError('DW_CONFIG_INVALID', `cannot tell the format of ${path} from its extension (.csv, .jsonl, .ndjson): pass --format csv|jsonl`)
  return format
}
