/**
 * The rule that makes a label's join unambiguous: a prediction_id belongs to one model. The first
 * stored prediction with an id claims it for its model; re-sending the id for that model is
 * idempotent (the same row), and a prediction with the id from another model is dead-lettered as
 * DW_PREDICTION_ID_CONFLICT. A label (which names no model) then joins exactly one prediction.
 *
 * Both topics are keyed by prediction_id, so every use of an id reaches the same partition and is
 * screened in order by the one consumer that owns it: the outcome does not depend on timing, and
 * a replayed batch gets the same answer (its own earlier rows claim the ids for the same models).
 * Batches of other partitions screened at the same time in one process get the answers they would
 * get one after the other (in-flight-ids.ts). Pure: the models already holding each id come in as
 * `known`.
 */
import { DriftwatchError } from '../errors.js'

export interface IdClaim {
  readonly prediction_id: string
  readonly model_id: string
}

/**
 * For each event in order: null when its id is new or already belongs to its model, else the
 * conflict. `known(id)` lists the models already holding the id (normally none or one; data
 * stored before this rule may hold several, and any of them is accepted).
 */
export function idConflicts(events: readonly IdClaim[], known: (id: string) => readonly string[]): (DriftwatchError | null)[] {
  return events.map(idClaims(known))
}

/**
 * The rule as a check of one event at a time, for events that come one by one (an HTTP request's
 * items): each event that passes claims its id for the events after it.
 */
export function idClaims(known: (id: string) => readonly string[] = () => []): (e: IdClaim) => DriftwatchError | null {
  // Ids claimed by an earlier event, with the model that claimed them.
  const claimed = new Map<string, string>()
  return (e) => {
    const mine = claimed.get(e.prediction_id)
    if (mine !== undefined) return mine === e.model_id ? null : conflict(e, mine)
    const models = known(e.prediction_id)
    if (models.length === 0) {
      claimed.set(e.prediction_id, e.model_id)
      return null
    }
    return models.includes(e.model_id) ? null : conflict(e, models[0]!)
  }
}

function conflict(e: IdClaim, model: string): DriftwatchError {
  const owner = model.slice(0, 256)
  return new DriftwatchError(
    'DW_PREDICTION_ID_CONFLICT',
    `prediction_id: "${e.prediction_id.slice(0, 256)}" already belongs to model "${owner}"; a prediction_id must be unique across models, because labels are joined by prediction_id alone`,
    { path: 'prediction_id', model: e.model_id, owner },
  )
}
