/**
 * @module Prometheus text exposition for scrape-time samples.
 *
 * Effect's `PrometheusMetrics.formatUnsafe` renders the `Metric` registry; collectors (other
 * services' `stats` snapshots, process metrics) return plain `Sample`s that are rendered here
 * and appended. Samples are validated so one bad collector cannot break the whole scrape.
 */

/** One scrape-time sample. Counters end in `_total`; gauges must not. */
export interface Sample {
  readonly name: string
  readonly type: "counter" | "gauge"
  readonly help: string
  readonly value: number
  readonly labels?: Readonly<Record<string, string>> | undefined
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/** Why a sample cannot be exported, or `undefined` when it is fine. */
export const sampleProblem = (sample: Sample): string | undefined => {
  if (!METRIC_NAME.test(sample.name)) return `invalid metric name ${JSON.stringify(sample.name)}`
  if (sample.type !== "counter" && sample.type !== "gauge") return `invalid type for ${sample.name}`
  if (sample.type === "counter" && !sample.name.endsWith("_total")) return `counter ${sample.name} must end in _total`
  if (sample.type === "gauge" && sample.name.endsWith("_total")) return `gauge ${sample.name} must not end in _total`
  if (/_(bucket|count|sum)$/.test(sample.name)) return `reserved suffix in ${sample.name}`
  if (typeof sample.value !== "number") return `non-numeric value for ${sample.name}`
  if (sample.type === "counter" && !(sample.value >= 0)) return `counter ${sample.name} must be >= 0`
  for (const key of Object.keys(sample.labels ?? {})) {
    if (!LABEL_NAME.test(key) || key.startsWith("__") || key === "le" || key === "quantile") {
      return `invalid label name ${JSON.stringify(key)} on ${sample.name}`
    }
    if (typeof sample.labels![key] !== "string") return `label ${key} on ${sample.name} must be a string`
  }
  return undefined
}

const escapeLabelValue = (value: string): string =>
  value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")

const escapeHelp = (text: string): string => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")

const formatValue = (value: number): string => {
  if (Number.isNaN(value)) return "NaN"
  if (value === Infinity) return "+Inf"
  if (value === -Infinity) return "-Inf"
  return String(value)
}

const formatLabels = (labels: Readonly<Record<string, string>> | undefined): string => {
  const entries = Object.entries(labels ?? {})
  if (entries.length === 0) return ""
  return `{${entries.map(([key, value]) => `${key}="${escapeLabelValue(value)}"`).join(",")}}`
}

/**
 * Renders valid samples grouped into families (one HELP/TYPE per name, first sample's wins).
 * Samples that repeat an earlier name+labels are dropped, since Prometheus rejects duplicates.
 */
export const formatSamples = (samples: ReadonlyArray<Sample>): string => {
  const families = new Map<string, { type: Sample["type"]; help: string; lines: Array<string>; seen: Set<string> }>()
  for (const sample of samples) {
    let family = families.get(sample.name)
    if (family === undefined) {
      family = { type: sample.type, help: sample.help, lines: [], seen: new Set() }
      families.set(sample.name, family)
    }
    if (family.type !== sample.type) continue
    const labels = formatLabels(sample.labels)
    if (family.seen.has(labels)) continue
    family.seen.add(labels)
    family.lines.push(`${sample.name}${labels} ${formatValue(sample.value)}`)
  }
  const out: Array<string> = []
  for (const [name, family] of families) {
    out.push(`# HELP ${name} ${escapeHelp(family.help)}`, `# TYPE ${name} ${family.type}`, ...family.lines)
  }
  return out.length > 0 ? out.join("\n") + "\n" : ""
}
