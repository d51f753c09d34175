/**
 * @module The configured exchange plugin, loaded the way discovery finds it (a folder
 * `<name>/index.ts` or a file `<name>.ts` under `plugins/exchanges` or a configured plugin
 * folder), without starting the plugin host: the doctor needs one exchange, not every indicator.
 */
import { existsSync } from "node:fs"
import { isAbsolute, join, resolve } from "node:path"
import type { VirtuosoConfig } from "../../config/index.ts"
import type { ExchangePlugin } from "../../plugins/sdk.ts"

const ROOT = resolve(import.meta.dir, "../../..")

export const loadExchangePlugin = async (config: VirtuosoConfig, cwd: string): Promise<ExchangePlugin> => {
  const name = config.exchange.plugin
  const folders = [
    join(ROOT, "plugins/exchanges"),
    ...config.plugins.folders.map((f) => (isAbsolute(f) ? f : resolve(cwd, f))),
  ]
  const candidates = folders.flatMap((f) => [join(f, name, "index.ts"), join(f, `${name}.ts`)])
  const file = candidates.find((c) => existsSync(c))
  if (file === undefined) throw new Error(`exchange plugin "${name}" not found (looked in ${folders.join(", ")})`)
  const plugin = (await import(file)).default as ExchangePlugin | undefined
  if (plugin?.kind !== "exchange" || typeof plugin.create !== "function")
    throw new Error(`${file} does not export an exchange plugin`)
  return plugin
}
