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
  /** Size and mtime of every file of the plugin, to skip hashing unchanged plugins on every re-scan. */
  readonly stamp: string
  /** For a folder plugin (`name/index.ts`): its folder, every file of which is part of its version. */
  readonly folder: string | null
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
export const scanFolders = async (
  root: string,
  folders: ReadonlyArray<string>,
): Promise<{
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
      const entryFile =
        entry.isFile() && SOURCE.test(entry.name)
          ? full
          : entry.isDirectory()
            ? await firstExisting(ENTRIES.map((e) => join(full, e)))
            : undefined
      if (entryFile === undefined) continue
      const folder = entry.isDirectory() ? full : null
      // The file may vanish between readdir and stat (an editor's rename); skip it this round.
      const stamp = folder === null ? await stat(entryFile).then(stampOf, () => undefined) : await folderStamp(folder)
      if (stamp === undefined) continue
      candidates.push({ path: entryFile, file: displayPath(root, entryFile), stamp, folder })
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

/** Every file under a plugin folder (sorted; dot-folders and node_modules skipped). */
const filesUnder = async (dir: string): Promise<Array<string>> => {
  const out: Array<string> = []
  const entries = await readdir(dir, { withFileTypes: true })
  for (const e of entries) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue
    const full = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await filesUnder(full)))
    else if (e.isFile()) out.push(full)
  }
  return out.sort()
}

const folderStamp = async (dir: string): Promise<string | undefined> => {
  try {
    const parts: Array<string> = []
    for (const f of await filesUnder(dir)) parts.push(`${relative(dir, f)}=${stampOf(await stat(f))}`)
    return parts.join(";")
  } catch {
    return undefined
  }
}

/**
 * Content hash of the plugin: of its file, or of every file of its folder (names and contents),
 * so an edit to any module of a folder plugin is a new version. The plugin's version and its
 * import cache-buster.
 */
export const hashPlugin = async (c: Pick<Candidate, "path" | "folder">): Promise<string> => {
  if (c.folder === null)
    return Bun.hash(await readFile(c.path))
      .toString(16)
      .padStart(16, "0")
  let h = 0n
  for (const f of await filesUnder(c.folder)) {
    h = Bun.hash(relative(c.folder, f), h) as bigint
    h = Bun.hash(await readFile(f), h) as bigint
  }
  return BigInt.asUintN(64, h).toString(16).padStart(16, "0")
}

/**
 * Imports a fresh copy of the module in the host's thread (inline plugins). The runtime caches
 * modules by URL, so the version goes into the query string; returning to an earlier content
 * hash reuses that earlier (identical) module. Only the entry file is re-evaluated here: modules
 * it imports stay cached until restart (a worker-isolated plugin reloads in a fresh worker, with
 * a fresh module cache, instead).
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
