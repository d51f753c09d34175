/**
 * @module How Analysis takes market events off the bus: batch size, commit window, and how long a
 * scoring pass waits for the rest of a burst.
 */

/** Market events per batch at most; a batch this full goes out at once, without a commit window. */
export const BATCH_LIMIT = 500
/**
 * Market events a scoring pass waits for at most while more are queued: the batches of a burst
 * (every series' candle closing at once) are scored in one plugin pass and share one commit, and a
 * backlog that never empties is still scored. As many as the series the host keeps inputs for.
 */
export const SCORE_WAIT_LIMIT = 4_096
/** How long a batch gathers market events when its confluence events are committed to a store. */
export const COMMIT_WINDOW_MS = 20
