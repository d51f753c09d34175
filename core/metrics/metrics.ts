/**
 * @module The `Metrics` service: the one registry's scrape endpoint.
 *
 * Effect's `Metric` registry (from the running context) holds counters, gauges and histograms
 * that services update through `catalog.ts`. At scrape time `render` also runs registered
 * collectors — snapshot functions over other services' `stats` (bus depths, breaker states,
 * plugin errors...) — and the process probe, then formats everything as Prometheus text.
 */
import { Context, Duration, Effect, Layer, Metric, Option, Schedule, type Scope } from "effect"
import { collectorErrorsTotal } from "./catalog.ts"
import { formatSamples, type Sample, sampleProblem } from "./exposition.ts"
import { probeEventLoopLag, processSamples } from "./process.ts"

/** A scrape-time source of samples. It should be cheap: it runs on every scrape. */
export type Collector = Effect.Effect<ReadonlyArray<Sample>>

export interface MetricsOptions {
  /** A collector slower than this is skipped for that scrape. */
  readonly collectorTimeout?: Duration.Input
  /** Event-loop lag probe period; `false` turns the probe off. */
  readonly lagProbeEvery?: Duration.Input | false
}

const makeMetrics = Effect.fnUntraced(function* (options: MetricsOptions) {
  const collectorTimeout = options.collectorTimeout ?? Duration.seconds(1)
  const context = yield* Effect.context<never>()
  const collectors = new Map<string, Collector>()
  let lagSeconds: number | undefined

  if (options.lagProbeEvery !== false) {
    yield* probeEventLoopLag.pipe(
      Effect.tap((lag) =>
        Effect.sync(() => {
          lagSeconds = lag
        }),
      ),
      Effect.repeat(Schedule.spaced(options.lagProbeEvery ?? Duration.seconds(1))),
      Effect.forkScoped,
    )
  }

  const countCollectorError = (collector: string) =>
    Metric.update(Metric.withAttributes(collectorErrorsTotal, { collector }), 1)

  const runCollector = (name: string, collect: Collector) =>
    collect.pipe(
      Effect.timeoutOption(collectorTimeout),
      Effect.flatMap(
        Option.match({
          onNone: () =>
            Effect.logWarning("metrics collector timed out").pipe(
              Effect.annotateLogs({ collector: name }),
              Effect.andThen(countCollectorError(name)),
              Effect.as([] as ReadonlyArray<Sample>),
            ),
          onSome: (samples) => Effect.succeed(samples),
        }),
      ),
      Effect.catchCause((cause) =>
        Effect.logWarning("metrics collector failed", cause).pipe(
          Effect.annotateLogs({ collector: name }),
          Effect.andThen(countCollectorError(name)),
          Effect.as([] as ReadonlyArray<Sample>),
        ),
      ),
      Effect.flatMap((samples) =>
        Effect.gen(function* () {
          const valid: Array<Sample> = []
          for (const sample of samples) {
            const problem = sampleProblem(sample)
            if (problem === undefined) valid.push(sample)
            else {
              yield* Effect.logWarning("metrics collector returned an invalid sample").pipe(
                Effect.annotateLogs({ collector: name, problem }),
              )
              yield* countCollectorError(name)
            }
          }
          return valid
        }),
      ),
    )

  // The exposition module is imported at the first scrape: a process that never serves
  // `/metrics` (a replay, the recorder CLI) does not load Effect's observability modules.
  const prometheus = () => import("effect/observability/PrometheusMetrics")
  const render = Effect.gen(function* () {
    const batches = yield* Effect.forEach([...collectors], ([name, collect]) => runCollector(name, collect), {
      concurrency: "unbounded",
    })
    // Registry families win a name clash: dropping the collector's copy keeps the output parseable.
    const registryNames = new Set(Metric.snapshotUnsafe(context).map((m) => m.id))
    const extra = [...processSamples(lagSeconds), ...batches.flat()].filter((s) => !registryNames.has(s.name))
    const { formatUnsafe } = yield* Effect.promise(prometheus)
    return formatUnsafe(context) + formatSamples(extra)
  }).pipe(Effect.withSpan("Metrics.render"))

  const registerCollector = (name: string, collect: Collector) =>
    Effect.acquireRelease(
      Effect.gen(function* () {
        if (collectors.has(name)) {
          return yield* Effect.die(new Error(`metrics collector ${JSON.stringify(name)} is already registered`))
        }
        collectors.set(name, collect)
      }),
      () =>
        Effect.sync(() => {
          collectors.delete(name)
        }),
    )

  return Metrics.of({ render, registerCollector })
})

export class Metrics extends Context.Service<
  Metrics,
  {
    /** Prometheus text exposition (format 0.0.4) of the registry, collectors and process. */
    readonly render: Effect.Effect<string>
    /** Adds a collector for the life of the caller's scope. Names must be unique. */
    readonly registerCollector: (name: string, collect: Collector) => Effect.Effect<void, never, Scope.Scope>
  }
>()("virtuoso/metrics/Metrics") {
  static readonly make = (options: MetricsOptions = {}) => Layer.effect(Metrics, makeMetrics(options))
  /** Uses the registry of the surrounding context (the process-wide default in `main`). */
  static readonly layer = Metrics.make()
  /** A fresh registry, so tests do not see each other's values. */
  static readonly layerIsolated = (options: MetricsOptions = {}) =>
    Metrics.make(options).pipe(Layer.provideMerge(Layer.sync(Metric.MetricRegistry, () => new Map())))
}
