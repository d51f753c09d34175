/** @module Configuration keys for scoring: confluence components, indicator plugins, signal thresholds. */
import { z } from "zod"
import { type Component, COMPONENTS, DEFAULT_COMPONENT_WEIGHTS } from "../../market-schema/index.ts"

const componentSetting = (weight: number) =>
  z
    .object({
      enabled: z.boolean().default(true),
      weight: z.number().min(0).max(100).default(weight),
    })
    .strict()
    .prefault({})

export const AnalysisSettings = z
  .object({
    enabled: z.boolean().default(true),
    components: z
      .object(
        Object.fromEntries(COMPONENTS.map((name) => [name, componentSetting(DEFAULT_COMPONENT_WEIGHTS[name])])) as {
          [K in Component]: ReturnType<typeof componentSetting>
        },
      )
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({})

export const PluginsSettings = z
  .object({
    /** Extra plugin folders, scanned after the built-in `plugins/indicators` and `plugins/exchanges`. */
    folders: z.array(z.string().min(1)).default([]),
    watch: z.boolean().default(true),
    budgetMs: z.number().positive().max(10_000).default(5),
    maxFailures: z.number().int().min(1).default(3),
    quarantineMs: z.number().int().min(100).default(60_000),
    /**
     * Where the built-in indicators run: "inline" (the host's thread, fastest) or "worker".
     * Every other plugin (plugins.folders, files dropped into the plugin folders) always runs in
     * a worker, where a call over its budget is cut off.
     */
    isolation: z
      .enum(["inline", "worker"], {
        error: 'must be "inline" (built-ins run in the host) or "worker" (built-ins run in plugin workers)',
      })
      .default("inline"),
    /** Plugin worker threads; default: the machine's parallelism (1..8). */
    workers: z.number().int().min(1).max(64).optional(),
    /** A plugin that makes its worker take more memory than this in one batch is cut off. */
    workerHeapMb: z.number().int().min(64).max(16_384).default(1024),
    /** Per-plugin settings by plugin name. */
    config: z
      .record(
        z.string(),
        z
          .object({
            enabled: z.boolean().optional(),
            weight: z.number().min(0).optional(),
            params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
          })
          .strict(),
      )
      .default({}),
  })
  .strict()
  .prefault({})

export const SignalsSettings = z
  .object({
    enabled: z.boolean().default(true),
    /** Long when the score reaches this. */
    longAt: z.number().min(0).max(100).default(70),
    /** Short when the score falls to this. */
    shortAt: z.number().min(0).max(100).default(35),
    /** Hysteresis: a side re-arms only after the score crosses back past threshold ∓ buffer. */
    neutralBuffer: z.number().min(0).max(50).default(5),
    /** No second signal for the same symbol and timeframe within this time. */
    cooldownMs: z
      .number()
      .int()
      .min(0)
      .default(15 * 60_000),
    /** Share of scored components that must point the signal's way. */
    minAgreement: z.number().min(0).max(1).default(0.5),
    /** Stop distance in ATR(14) multiples, and targets in multiples of that risk. */
    stopAtr: z.number().positive().max(20).default(1.5),
    targets: z.array(z.number().positive()).min(1).max(5).default([1, 2, 3]),
  })
  .strict()
  .refine((s) => s.shortAt < s.longAt, { message: "shortAt must be below longAt", path: ["shortAt"] })
  .prefault({})
