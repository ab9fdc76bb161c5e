/** The weight of an accumulator update (./types.ts): a finite count >= 0. Anything else is a caller's bug. */
export function checkWeight(weight: number): number {
  if (!Number.isFinite(weight) || weight < 0) throw new RangeError(`an update's weight must be a finite count >= 0, got ${weight}`)
  return weight
}

/** A weight that stands for repeated observations (a count from a GROUP BY): an integer >= 0. */
export function checkCount(weight: number): number {
  if (!Number.isInteger(weight) || weight < 0) throw new RangeError(`a count must be an integer >= 0, got ${weight}`)
  return weight
}
