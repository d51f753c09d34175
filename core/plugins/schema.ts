/**
 * @module The one zod schema of the plugin contract (`sdk.ts`), checked when a plugin loads.
 *
 * `apiVersion` is checked before anything else so a plugin written for another contract gets
 * "which versions does this host accept" instead of a list of field errors. Every message names
 * the file, the plugin (when its name is readable) and the field.
 */
import { z } from "zod"
import {
  API_VERSIONS,
  COMPONENTS,
  DATA_NEEDS,
  PLUGIN_SCOPES,
  type ExchangePlugin,
  type IndicatorPlugin,
  type ParamSpec,
  type ParamValue,
} from "./sdk.ts"

/** What changed in each contract version; quoted when a plugin declares an unknown one. */
const VERSION_NOTES: Record<number, string> = {
  1:
    "indicator { kind, name, component, weight?, lookback, needs?, scope?, params?, compute(ctx) }, " +
    "exchange { kind, name, create(config) }",
  2: "version 1 plus indicator inputs? (declared indicator inputs, computed by the host: ctx.inputs / ctx.history)",
}

const isFunction = (what: string) =>
  z.custom<(...args: Array<never>) => unknown>((v) => typeof v === "function", {
    message: `${what} must be a function`,
  })

const kebabName = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case (a-z, 0-9, single hyphens), e.g. "rsi-14"')

const ParamSpecSchema = z
  .object({
    type: z.enum(["number", "string", "boolean"]),
    default: z.union([z.number(), z.string(), z.boolean()]),
    description: z.string(),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .superRefine((spec, ctx) => {
    if (typeof spec.default !== spec.type) {
      ctx.addIssue({
        code: "custom",
        path: ["default"],
        message: `default must be a ${spec.type}, got ${typeof spec.default}`,
      })
    }
  })

const InputDeclarationSchema = z.object({
  fn: z.string(),
  params: z.record(z.string(), z.number()).optional(),
  output: z.string().optional(),
  history: z.number().int().nonnegative().optional(),
})

const IndicatorSchema = z
  .looseObject({
    apiVersion: z.literal(API_VERSIONS),
    kind: z.literal("indicator"),
    name: kebabName,
    component: z.enum(COMPONENTS, { message: `must be one of ${COMPONENTS.join(", ")}` }),
    weight: z.number().positive().finite().optional(),
    lookback: z.number().int().nonnegative(),
    description: z.string().optional(),
    needs: z.array(z.enum(DATA_NEEDS, { message: `must be one of ${DATA_NEEDS.join(", ")}` })).optional(),
    scope: z.enum(PLUGIN_SCOPES, { message: `must be one of ${PLUGIN_SCOPES.join(", ")}` }).optional(),
    params: z.record(z.string(), ParamSpecSchema).optional(),
    inputs: z
      .union([z.record(z.string(), InputDeclarationSchema), isFunction("inputs")], {
        message:
          "must be an object of input declarations (e.g. { rsi: input.rsi({ period: 14 }) }) " +
          "or a function of params returning one",
      })
      .optional(),
    compute: isFunction("compute"),
  })
  .superRefine((plugin, ctx) => {
    // Version 1 hosts ignore `inputs` and would call compute without them: make the need explicit.
    if (plugin.inputs !== undefined && plugin.apiVersion < 2) {
      ctx.addIssue({
        code: "custom",
        path: ["inputs"],
        message: "needs apiVersion 2 (declared inputs are a version 2 feature)",
      })
    }
    // A per-symbol result is computed from one timeframe's context and shared by all of them, so
    // it must not depend on candles; a candle lookback would make it timeframe-dependent.
    if (plugin.scope === "symbol" && plugin.lookback !== 0) {
      ctx.addIssue({
        code: "custom",
        path: ["scope"],
        message:
          `"symbol" needs lookback 0 (a per-symbol result must not read candles), ` + `got lookback ${plugin.lookback}`,
      })
    }
  })

const ExchangeSchema = z.looseObject({
  apiVersion: z.literal(API_VERSIONS),
  kind: z.literal("exchange"),
  name: kebabName,
  description: z.string().optional(),
  create: isFunction("create"),
})

export type ValidPlugin =
  | { readonly kind: "indicator"; readonly plugin: IndicatorPlugin }
  | { readonly kind: "exchange"; readonly plugin: ExchangePlugin }

export type Validation =
  | { readonly ok: true; readonly value: ValidPlugin }
  | { readonly ok: false; readonly name: string | undefined; readonly message: string }

const describeValue = (v: unknown): string =>
  v === undefined
    ? "undefined"
    : typeof v === "string"
      ? JSON.stringify(v)
      : typeof v === "function"
        ? "a function"
        : String(v)

/** Validates a module's default export against the contract; `file` is only used in messages. */
export const validatePlugin = (exported: unknown, file: string): Validation => {
  if (exported === null || typeof exported !== "object") {
    return {
      ok: false,
      name: undefined,
      message: `${file}: the default export must be a plugin object, got ${describeValue(exported)}`,
    }
  }
  const raw = exported as Record<string, unknown>
  const name = typeof raw.name === "string" ? raw.name : undefined
  const where = name === undefined ? file : `${file} (plugin "${name}")`
  if (!(API_VERSIONS as ReadonlyArray<unknown>).includes(raw.apiVersion)) {
    const accepted = API_VERSIONS.map((v) => `${v} (${VERSION_NOTES[v]})`).join("; ")
    return {
      ok: false,
      name,
      message:
        `${where}: apiVersion ${describeValue(raw.apiVersion)} is not supported; ` +
        `this host accepts apiVersion ${accepted}`,
    }
  }
  if (raw.kind !== "indicator" && raw.kind !== "exchange") {
    return {
      ok: false,
      name,
      message: `${where}: field "kind" must be "indicator" or "exchange", got ${describeValue(raw.kind)}`,
    }
  }
  const parsed = raw.kind === "indicator" ? IndicatorSchema.safeParse(raw) : ExchangeSchema.safeParse(raw)
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => {
      const path = issue.path.length === 0 ? "(plugin)" : issue.path.map(String).join(".")
      return `field "${path}" ${issue.message}`
    })
    return { ok: false, name, message: `${where}: ${fields.join("; ")}` }
  }
  // The parsed copy drops nothing (loose objects) but the original keeps `this` for methods.
  return raw.kind === "indicator"
    ? { ok: true, value: { kind: "indicator", plugin: raw as unknown as IndicatorPlugin } }
    : { ok: true, value: { kind: "exchange", plugin: raw as unknown as ExchangePlugin } }
}

/**
 * Merges a plugin's declared parameter defaults with the user's config values, checking each
 * value against its declaration. Returns the merged params or a message naming the parameter.
 */
export const resolveParams = (
  specs: Readonly<Record<string, ParamSpec>> | undefined,
  configured: Readonly<Record<string, ParamValue>> | undefined,
):
  | { readonly ok: true; readonly params: Record<string, ParamValue> }
  | { readonly ok: false; readonly message: string } => {
  const params: Record<string, ParamValue> = {}
  for (const [key, spec] of Object.entries(specs ?? {})) params[key] = spec.default
  for (const [key, value] of Object.entries(configured ?? {})) {
    const spec = specs?.[key]
    if (spec === undefined) {
      const known = Object.keys(specs ?? {})
      return {
        ok: false,
        message: `param "${key}" is not declared (declared: ${known.length === 0 ? "none" : known.join(", ")})`,
      }
    }
    if (typeof value !== spec.type)
      return { ok: false, message: `param "${key}" must be a ${spec.type}, got ${describeValue(value)}` }
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return { ok: false, message: `param "${key}" must be finite, got ${value}` }
      if (spec.min !== undefined && value < spec.min)
        return { ok: false, message: `param "${key}" must be >= ${spec.min}, got ${value}` }
      if (spec.max !== undefined && value > spec.max)
        return { ok: false, message: `param "${key}" must be <= ${spec.max}, got ${value}` }
    }
    params[key] = value
  }
  return { ok: true, params }
}
