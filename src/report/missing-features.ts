/**
 * The features the current file has no column of: a note for each, and the usage error when it
 * has none of them (nothing to compare: almost surely the wrong file, or renamed columns). A
 * current column whose name differs from a feature's only in case is pointed out (`X` vs `x`):
 * column names are compared exactly. Pure.
 */
import { DriftwatchError } from '../errors.js'

/** The current columns named as `feature` but for case. */
function caseOnly(feature: string, currentColumns: readonly string[] | undefined): string[] {
  return (currentColumns ?? []).filter((c) => c !== feature && c.toLowerCase() === feature.toLowerCase())
}

const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ')

export function missingFeatureNotes(missing: readonly string[], currentColumns?: readonly string[]): string[] {
  return missing.map((f) => {
    const near = caseOnly(f, currentColumns)
    return `feature "${f}" is not a column of the current file${near.length > 0 ? ` (it has ${quoted(near)}: names differ only in case)` : ''}: read as all missing, left out of the dataset drift`
  })
}

/** DW_FILE_INVALID (exit 2): the current file has none of the reference's feature columns. */
export function missingFeaturesError(features: readonly string[], currentColumns?: readonly string[]): DriftwatchError {
  const shown = features.slice(0, 5)
  const near = features.flatMap((f) => caseOnly(f, currentColumns).map((c) => `"${c}" for "${f}"`))
  const hint = near.length > 0 ? `; names differ only in case (${near.slice(0, 3).join(', ')}${near.length > 3 ? ', …' : ''}): rename them` : ': wrong file, or renamed columns?'
  return new DriftwatchError(
    'DW_FILE_INVALID',
    `the current file has none of the reference's feature columns (${quoted(shown)}${features.length > 5 ? ', …' : ''})${hint}`,
    { features },
  )
}
