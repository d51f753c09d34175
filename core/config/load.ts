/**
 * @module Loads the configuration: defaults → config file → `VIRTUOSO_*` env, validated by zod.
 *
 * Pure apart from reading the file: the environment, working directory and argv are arguments,
 * so tests run it on their own inputs.
 */
import { existsSync, readFileSync, statSync } from "node:fs"
import { isAbsolute, resolve } from "node:path"
import type { z } from "zod"
import { ConfigError } from "./errors.ts"
import { isPlainObject, readEnv } from "./env.ts"
import { ConfigSchema, type VirtuosoConfig } from "./schema.ts"

const DEFAULT_CONFIG_FILE = "virtuoso.config.json"
const MAX_CONFIG_BYTES = 1024 * 1024

export interface ConfigSources {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  readonly argv?: ReadonlyArray<string>
}

/** `--config path` beats `VIRTUOSO_CONFIG`, which beats `./virtuoso.config.json` if present. */
const configFilePath = ({ env, cwd, argv = [] }: ConfigSources): string | undefined => {
  const flag = argv.indexOf("--config")
  const explicit = flag >= 0 ? argv[flag + 1] : env.VIRTUOSO_CONFIG
  if (explicit) return isAbsolute(explicit) ? explicit : resolve(cwd, explicit)
  const fallback = resolve(cwd, DEFAULT_CONFIG_FILE)
  return existsSync(fallback) ? fallback : undefined
}

const readConfigFile = async (path: string): Promise<Record<string, unknown>> => {
  if (!existsSync(path)) throw new ConfigError({ message: `config file not found: ${path}`, issues: [] })
  if (path.endsWith(".ts") || path.endsWith(".js")) {
    const module = (await import(path)) as { default?: unknown }
    if (!isPlainObject(module.default)) {
      throw new ConfigError({ message: `config file ${path}: the default export must be an object`, issues: [] })
    }
    return module.default
  }
  if (statSync(path).size > MAX_CONFIG_BYTES) {
    throw new ConfigError({ message: `config file ${path}: larger than ${MAX_CONFIG_BYTES} bytes`, issues: [] })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"))
  } catch (error) {
    throw new ConfigError({ message: `config file ${path}: invalid JSON: ${(error as Error).message}`, issues: [] })
  }
  if (!isPlainObject(parsed)) {
    throw new ConfigError({ message: `config file ${path}: must hold a JSON object`, issues: [] })
  }
  return parsed
}

/** Objects merge key by key; anything else (arrays included) is replaced. */
const deepMerge = (base: Record<string, unknown>, override: Record<string, unknown>) => {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(override)) {
    const existing = out[key]
    out[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value
  }
  return out
}

const describeIssue = (issue: z.core.$ZodIssue, sources: Map<string, string>, file?: string) => {
  const path = issue.path.map(String)
  // Unrecognized keys are reported on the parent: name them in the key itself.
  const keys = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...path, k].join(".")) : [path.join(".")]
  return keys.map((key) => {
    const origin = [...sources.entries()].find(([k]) => key === k || key.startsWith(`${k}.`))?.[1]
    const from = origin ? ` (from ${origin})` : file ? ` (in ${file})` : ""
    const message = issue.code === "unrecognized_keys" ? "unknown key" : issue.message
    return `${key || "(root)"}: ${message}${from}`
  })
}

/** Validates a partial config object (defaults fill the rest). */
export const parseConfig = (
  input: unknown,
  sources: Map<string, string> = new Map(),
  file?: string,
): VirtuosoConfig => {
  const result = ConfigSchema.safeParse(input)
  if (result.success) return result.data
  const issues = result.error.issues.flatMap((issue) => describeIssue(issue, sources, file))
  throw new ConfigError({ message: `invalid configuration: ${issues.join("; ")}`, issues })
}

export const loadConfig = async (sources: ConfigSources): Promise<VirtuosoConfig> => {
  const file = configFilePath(sources)
  const fromFile = file ? await readConfigFile(file) : {}
  const env = readEnv(sources.env)
  if (env.errors.length > 0) {
    throw new ConfigError({ message: `invalid configuration: ${env.errors.join("; ")}`, issues: [...env.errors] })
  }
  return parseConfig(deepMerge(fromFile, env.values), env.sources, file)
}
