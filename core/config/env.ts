/**
 * @module `VIRTUOSO_*` environment variables → a partial config object.
 *
 * `http.port` ↔ `VIRTUOSO_HTTP_PORT`, `http.bodyLimitBytes` ↔ `VIRTUOSO_HTTP_BODY_LIMIT_BYTES`.
 * Values are parsed as JSON when they parse (numbers, booleans, arrays, objects) and kept as
 * strings otherwise. An unknown variable is an error, not silently ignored: a typo in a setting
 * should never leave a default in force unnoticed.
 */
import { ConfigSchema } from "./schema.ts"

const ENV_PREFIX = "VIRTUOSO_"
/** Variables that are not settings: the config file path. */
const RESERVED = new Set(["VIRTUOSO_CONFIG"])

const toEnvName = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()

/** Every settable path, as env name → key path, derived from the schema's own shape. */
const settablePaths = (): Map<string, ReadonlyArray<string>> => {
  const paths = new Map<string, ReadonlyArray<string>>()
  for (const [section, sectionSchema] of Object.entries(ConfigSchema.shape)) {
    paths.set(ENV_PREFIX + toEnvName(section), [section])
    const inner = unwrap(sectionSchema)
    const shape = (inner as { shape?: Record<string, unknown> }).shape
    if (!shape) continue
    for (const key of Object.keys(shape)) {
      paths.set(`${ENV_PREFIX}${toEnvName(section)}_${toEnvName(key)}`, [section, key])
    }
  }
  return paths
}

/** Peels defaults/prefaults/optionals to reach an object schema's shape. */
const unwrap = (schema: unknown): unknown => {
  let current = schema as { def?: { innerType?: unknown } }
  while (current?.def?.innerType) current = current.def.innerType as typeof current
  return current
}

const parseValue = (raw: string): unknown => {
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

export interface EnvOverrides {
  readonly values: Record<string, unknown>
  /** Key path (dotted) → the variable that set it, for error messages. */
  readonly sources: Map<string, string>
  readonly errors: ReadonlyArray<string>
}

const suggest = (name: string, known: Iterable<string>) => {
  const prefix = name.split("_").slice(0, 2).join("_")
  const close = [...known].filter((k) => k.startsWith(prefix)).slice(0, 5)
  return close.length > 0 ? ` (known in that section: ${close.join(", ")})` : ""
}

export const readEnv = (env: Readonly<Record<string, string | undefined>>): EnvOverrides => {
  const paths = settablePaths()
  const values: Record<string, unknown> = {}
  const sources = new Map<string, string>()
  const errors: Array<string> = []
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || RESERVED.has(name) || raw === undefined) continue
    const path = paths.get(name)
    if (!path) {
      errors.push(`${name}: unknown setting${suggest(name, paths.keys())}`)
      continue
    }
    let value = parseValue(raw)
    // `VIRTUOSO_EXCHANGE=binance` is the documented shorthand for a ccxt exchange by id.
    if (path.length === 1 && path[0] === "exchange" && typeof value === "string") {
      value = value === "sim" || value === "ccxt" ? { plugin: value } : { plugin: "ccxt", id: value }
    }
    setPath(values, path, value)
    sources.set(path.join("."), name)
  }
  return { values, sources, errors }
}

const setPath = (target: Record<string, unknown>, path: ReadonlyArray<string>, value: unknown) => {
  let node = target
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    node = (typeof next === "object" && next !== null ? next : (node[key] = {})) as Record<string, unknown>
  }
  const last = path[path.length - 1]!
  const existing = node[last]
  node[last] = isPlainObject(existing) && isPlainObject(value) ? { ...existing, ...value } : value
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
