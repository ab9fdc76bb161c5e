/**
 * A record's own value for a key, or undefined. Feature, column and category names are user data,
 * and `__proto__`, `constructor` or `toString` are valid names: a plain `record[name]` on an object
 * built from JSON or YAML (a zod record, a parsed config) answers them from Object.prototype.
 */
export const own = <V>(record: Readonly<Record<string, V>>, key: string): V | undefined => (Object.hasOwn(record, key) ? record[key] : undefined)
