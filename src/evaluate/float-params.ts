/**
 * Float64 query parameters that reach ClickHouse bit for bit: bin edges, quality bounds and
 * constants the SQL compares stored values with.
 *
 * Wire format: each float goes as its IEEE 754 binary64 bit pattern, an unsigned 64-bit integer
 * (a bigint, written as decimal digits by both clients), in a parameter of type UInt64,
 * Array(UInt64), Array(Array(UInt64)) or Map(String, UInt64); the SQL turns it back with
 * reinterpretAsFloat64, which reads the integer's bytes as a Float64 (both are 8 bytes in the
 * engine's byte order). A float as decimal text does not always arrive: chDB's binder refuses
 * any integral float beyond ±2^53 (every float of magnitude >= 2^53 is integral, e.g. a feature
 * in micro-units around 1.2e16), both clients write -0 as "0", and text is parsed by the
 * server's float parser, exact or not depending on its settings. Bit patterns have none of these
 * cases: every float, -0, subnormals, infinities and NaN included, arrives as it was.
 *
 * The parameter expressions are constants, so the engine decodes them once per query.
 */

const view = new DataView(new ArrayBuffer(8))

/** The bit pattern of x as an unsigned 64-bit integer. */
export function float64Bits(x: number): bigint {
  view.setFloat64(0, x)
  return view.getBigUint64(0)
}

/** The float whose bit pattern is `bits` (the inverse of float64Bits). */
export function float64FromBits(bits: bigint): number {
  view.setBigUint64(0, bits)
  return view.getFloat64(0)
}

export const float64ArrayBits = (xs: readonly number[]): bigint[] => xs.map(float64Bits)

/** Per key, the bit patterns: for a Map(String, UInt64) parameter. */
export const float64MapBits = (m: Readonly<Record<string, number>>): Record<string, bigint> =>
  Object.fromEntries(Object.entries(m).map(([k, x]) => [k, float64Bits(x)]))

/** SQL for a Float64 parameter `name` sent as float64Bits. */
export const float64Param = (name: string) => `reinterpretAsFloat64({${name}:UInt64})`

/** SQL for an Array(Float64) parameter `name` sent as float64ArrayBits. */
export const float64ArrayParam = (name: string) => `arrayMap(b -> reinterpretAsFloat64(b), {${name}:Array(UInt64)})`

/** SQL for a Map(String, Float64) parameter `name` sent as float64MapBits. */
export const float64MapParam = (name: string) => `mapApply((k, b) -> (k, reinterpretAsFloat64(b)), {${name}:Map(String, UInt64)})`
