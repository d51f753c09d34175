/** @module Options of the event store; `core/main.ts` maps config onto them. */
import type { Duration } from "effect"

export interface StoreOptions {
  /** SQLite file; `":memory:"` for tests. Its directory also holds `warm/` unless `warmDir` is set. */
  readonly path: string
  /** Directory of warm-tier day files (gzip NDJSON). @default `<dir of path>/warm` */
  readonly warmDir?: string
  /** Where cold days go when `cold` is "archive". @default `<dir of path>/archive` */
  readonly archiveDir?: string
  /** Events younger than this stay in SQLite. @default 24 hours */
  readonly hot?: Duration.Input
  /** Days younger than this stay as warm files. @default 30 days */
  readonly warm?: Duration.Input
  /** What happens to days older than `warm`. @default "drop" */
  readonly cold?: "drop" | "archive"
  /**
   * Market inputs younger than this stay one row per event; the fold job (every `foldEvery`) and
   * the tiering job fold older ones into block rows (fold.ts). @default 1 minute
   */
  readonly foldAfter?: Duration.Input
  /**
   * How often market rows older than `foldAfter` are folded, apart from the tiering job, so a
   * recorded store is replay-ready (fold-schedule.ts). @default 1 minute
   */
  readonly foldEvery?: Duration.Input
  /** How often the tiering job runs (also once at start). @default 1 hour */
  readonly compactEvery?: Duration.Input
  /** Recent committed events kept in memory for recent queries. @default 10_000 */
  readonly ringSize?: number
  /** Max events per insert transaction. @default 20_000 */
  readonly maxBatch?: number
  /**
   * SQLite `synchronous`: "NORMAL" survives process crashes (SIGKILL) in WAL mode; "FULL" also
   * survives power loss at some cost per commit. @default "NORMAL"
   */
  readonly synchronous?: "NORMAL" | "FULL"
  /**
   * Whether a worker checkpoints the WAL every second (checkpointer.ts). A replay, which writes
   * at most one fold, turns it off: SQLite's own checkpoint suffices, and the worker's start and
   * stop would be the replay's start-up and shutdown time. @default true
   */
  readonly checkpointWorker?: boolean
  /**
   * SQLite `mmap_size`: up to this many bytes of the file are read through a memory map instead
   * of copied through SQLite's page cache. A replay, which reads every block of a store once,
   * sets it; a live store keeps 0: mapped pages count in the process's resident memory, and a
   * disk error on a mapped page ends the process instead of failing the read. @default 0
   */
  readonly mmapSize?: number
}
