/**
 * @module Finding plugin files in folders and importing one of them.
 *
 * A plugin is either a `*.ts` / `*.js` file directly in a folder, or a sub-folder with an
 * `index.ts` / `index.js` (how exchange plugins with several modules are laid out). Names
 * starting with `.` or `_`, `*.d.ts` and `*.test.*` / `*.spec.*` are skipped, so helpers and
 * editor temp files never count as broken plugins.
 */
import { readdir, readFile, stat } from "node:fs/promises"
import { basename, join, relative, isAbsolute, resolve } from "node:path"

export interface Candidate {
  /** Absolute path of the entry module. */
  readonly path: string
  /** Root-relative path for messages and the API. */
  readonly file: string
  /** Size and mtime, to skip hashing unchanged files on every re-scan. */
  readonly stamp: string
}

const SOURCE = /\.(ts|js)$/
const SKIPPED = /(^[._])|(\.d\.ts$)|(\.(test|spec)\.(ts|js)$)/
const ENTRIES = ["index.ts", "index.js"]

export const displayPath = (root: string, path: string): string => {
  const rel = relative(root, path)
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel
}

const stampOf = (s: { size: number; mtimeMs: number }) => `${s.size}:${s.mtimeMs}`

/**
 * Lists the candidates of every folder, in folder order then by name; a missing folder
 * yields nothing (reported by the caller), so the host starts anyway.
 */
export const scanFolders = async (root: string, folders: ReadonlyArray<string>): Promise<{
  readonly candidates: ReadonlyArray<Candidate>
  readonly missing: ReadonlyArray<string>
}> => {
  const candidates: Array<Candidate> = []
  const missing: Array<string> = []
  for (const folder of folders) {
    const dir = resolve(root, folder)
    let entries: Array<{ name: string; isFile(): boolean; isDirectory(): boolean }>
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      missing.push(displayPath(root, dir))
      continue
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      if (SKIPPED.test(entry.name)) continue
      const full = join(dir, entry.name)
      const entryFile = entry.isFile() && SOURCE.test(entry.name)
        ? full
        : entry.isDirectory() ? await firstExisting(ENTRIES.map((e) => join(full, e))) : undefined
      if (entryFile === undefined) continue
      // The file may vanish between readdir and stat (an editor's rename); skip it this round.
      const s = await stat(entryFile).catch(() => undefined)
      if (s === undefined) continue
      candidates.push({ path: entryFile, file: displayPath(root, entryFile), stamp: stampOf(s) })
    }
  }
  return { candidates, missing }
}

const firstExisting = async (paths: ReadonlyArray<string>): Promise<string | undefined> => {
  for (const p of paths) {
    const s = await stat(p).catch(() => undefined)
    if (s?.isFile()) return p
  }
  return undefined
}

/** Content hash of the entry file: the plugin's version and its import cache-buster. */
export const hashFile = async (path: string): Promise<string> => {
  const bytes = await readFile(path)
  return Bun.hash(bytes).toString(16).padStart(16, "0")
}

/**
 * Imports a fresh copy of the module. The runtime caches modules by URL, so the version goes
 * into the query string; returning to an earlier content hash reuses that earlier (identical)
 * module. Only the entry file is re-evaluated: modules it imports stay cached until restart.
 */
export const importFresh = async (path: string, version: string): Promise<unknown> => {
  // A plain path, not a file:// URL: Bun 1.4 ignores the query string of file:// URLs and would
  // hand back the first-loaded module (checked: test/core/plugins/hot-reload.test.ts).
  const mod = (await import(`${path}?v=${version}`)) as Record<string, unknown>
  return mod.default
}

/** Fallback plugin name for a file whose module gave none: `foo.ts` → `foo`, `sim/index.ts` → `sim`. */
export const stemOf = (path: string): string => {
  const base = basename(path)
  return ENTRIES.includes(base) ? basename(join(path, "..")) : base.replace(SOURCE, "")
}
