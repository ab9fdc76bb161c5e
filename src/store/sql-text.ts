/**
 * Names and strings spliced into SQL text, for the few places where ClickHouse takes no query
 * parameter (a table or column name, a file path, an insert's deduplication token): identifiers
 * in backquotes and string literals in single quotes, each with `\` and its quote escaped by a
 * backslash (ClickHouse docs, "Syntax": identifiers, string literals). Every other value is a
 * query parameter (src/store/query.ts). Pure.
 */
export const sqlIdentifier = (name: string): string => `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``

export const sqlString = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
