/**
 * Engine settings for a test that runs the whole app on the ccxt plugin against the local exchange
 * server: the given exchange section and static symbols (no top-symbol ranking unless `top` is
 * given), a store in a fresh temporary folder, HTTP on a free port and no plugin watcher; `more`
 * adds or replaces other sections.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseConfig, type VirtuosoConfig } from "../../../../core/config/index.ts"

export const ccxtEngineConfig = (
  exchange: { readonly id: string } & Record<string, unknown>,
  symbols: ReadonlyArray<string>,
  { top = 0, ...more }: { readonly top?: number } & Record<string, unknown> = {},
): VirtuosoConfig =>
  parseConfig({
    exchange: { plugin: "ccxt", ...exchange },
    symbols: { static: symbols, top },
    http: { port: 0 },
    store: { path: join(mkdtempSync(join(tmpdir(), `virtuoso-${exchange.id}-engine-`)), "virtuoso.db") },
    plugins: { watch: false },
    ...more,
  })
