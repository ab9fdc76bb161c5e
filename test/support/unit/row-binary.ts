/**
 * Reads RowBinary rows back (ClickHouse docs, formats "RowBinary"; the writer is
 * src/store/row-buffer.ts), for unit tests of the rows the ingest path writes: each column's
 * value by the column's type, in JavaScript form (Int64, UInt64 and DateTime64(3)'s milliseconds as decimal strings, Maps as
 * null-prototype objects, NULL as null). Written from the format's description, not from the
 * writer, so a test compares the writer against the format.
 */
export type ColumnType =
  | 'String' | 'Nullable(String)' | 'Float64' | 'Nullable(Float64)' | 'Int64' | 'UInt32' | 'UInt64'
  | 'Map(String, Float64)' | 'Map(String, String)' | 'Array(String)' | "DateTime64(3, 'UTC')"

export class RowBinaryReader {
  private pos = 0
  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos === this.buf.length
  }

  private varUInt(): number {
    let n = 0
    let scale = 1
    for (;;) {
      const b = this.buf[this.pos++]
      if (b === undefined) throw new Error('row ends inside a varint')
      n += (b & 0x7f) * scale
      if (b < 0x80) return n
      scale *= 128
    }
  }

  private string(): string {
    const n = this.varUInt()
    if (this.pos + n > this.buf.length) throw new Error('row ends inside a string')
    const s = this.buf.toString('utf8', this.pos, this.pos + n)
    this.pos += n
    return s
  }

  private fixed<T>(bytes: number, read: (at: number) => T): T {
    if (this.pos + bytes > this.buf.length) throw new Error('row ends inside a number')
    const v = read(this.pos)
    this.pos += bytes
    return v
  }

  value(type: ColumnType): unknown {
    if (type.startsWith('Nullable(')) {
      const isNull = this.fixed(1, (at) => this.buf[at])
      return isNull === 1 ? null : this.value(type.slice(9, -1) as ColumnType)
    }
    switch (type) {
      case 'String':
        return this.string()
      case 'Float64':
        return this.fixed(8, (at) => this.buf.readDoubleLE(at))
      case 'Int64':
      case "DateTime64(3, 'UTC')":
        return String(this.fixed(8, (at) => this.buf.readBigInt64LE(at)))
      case 'UInt64':
        return String(this.fixed(8, (at) => this.buf.readBigUInt64LE(at)))
      case 'UInt32':
        return this.fixed(4, (at) => this.buf.readUInt32LE(at))
      case 'Array(String)':
        return Array.from({ length: this.varUInt() }, () => this.string())
      case 'Map(String, Float64)':
      case 'Map(String, String)': {
        const out = Object.create(null) as Record<string, unknown>
        for (let n = this.varUInt(); n > 0; n--) {
          const k = this.string()
          out[k] = type === 'Map(String, String)' ? this.string() : this.value('Float64')
        }
        return out
      }
      default:
        throw new Error(`no reader for ${type as string}`)
    }
  }

  /** One row of the given columns, as { column: value }. */
  row(columns: readonly (readonly [string, ColumnType])[]): Record<string, unknown> {
    return Object.fromEntries(columns.map(([name, type]) => [name, this.value(type)]))
  }
}

/** The [name, type] pairs of a RowLayout's structure (`name Type, …`; types may hold commas in parentheses). */
export function typesOf(layout: { readonly structure: string }): [string, ColumnType][] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < layout.structure.length; i++) {
    const c = layout.structure[i]
    if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === ',' && depth === 0) {
      parts.push(layout.structure.slice(start, i))
      start = i + 1
    }
  }
  parts.push(layout.structure.slice(start))
  return parts.map((p) => {
    const [name, ...type] = p.trim().split(' ')
    return [name!, type.join(' ') as ColumnType]
  })
}

/** Every row of a buffer of rows of one table; throws when a row is cut short or bytes are left over. */
export function readRows(buf: Buffer, columns: readonly (readonly [string, ColumnType])[]): Record<string, unknown>[] {
  const reader = new RowBinaryReader(buf)
  const rows: Record<string, unknown>[] = []
  while (!reader.done) rows.push(reader.row(columns))
  return rows
}
