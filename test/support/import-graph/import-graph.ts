/**
 * @module The import graph of a source tree, read from the text of its `.ts` files: every
 * relative `import`/`export … from`, side-effect import and dynamic `import()`, with type-only
 * statements (`import type`, `export type`) marked, since they constrain the design but are
 * erased before run time.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, posix, relative } from "node:path"

export interface ImportEdge {
  /** Importing file, relative to the root, with `/` separators. */
  readonly from: string
  /** Imported file, relative to the root (a folder import resolves to its `index.ts`). */
  readonly to: string
  readonly typeOnly: boolean
}

// A statement starts a line and must not run into the next statement.
const STATIC = /^(import|export)\b((?:(?!\n(?:import|export)\b)[^;'"])*?)\bfrom\s*["']([^"']+)["']/gm
const SIDE_EFFECT = /^import\s*["']([^"']+)["']/gm
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g

/** The module specifiers of one file's source, each with whether it is erased at run time. */
export const importsOf = (
  source: string,
): ReadonlyArray<{ readonly specifier: string; readonly typeOnly: boolean }> => {
  const out: Array<{ specifier: string; typeOnly: boolean }> = []
  for (const m of source.matchAll(STATIC)) out.push({ specifier: m[3]!, typeOnly: /^\s*type\s/.test(m[2]!) })
  for (const m of source.matchAll(SIDE_EFFECT)) out.push({ specifier: m[1]!, typeOnly: false })
  for (const m of source.matchAll(DYNAMIC)) out.push({ specifier: m[1]!, typeOnly: false })
  return out
}

/** Relative imports between the given files (`path → source`), resolved within that set. */
export const importEdges = (files: ReadonlyMap<string, string>): ReadonlyArray<ImportEdge> => {
  const edges: Array<ImportEdge> = []
  for (const [from, source] of files) {
    for (const { specifier, typeOnly } of importsOf(source)) {
      if (!specifier.startsWith(".")) continue
      const target = posix.normalize(posix.join(posix.dirname(from), specifier))
      const to = [target, `${target}.ts`, `${target}/index.ts`].find((candidate) => files.has(candidate))
      if (to !== undefined) edges.push({ from, to, typeOnly })
    }
  }
  return edges
}

/** Every `.ts` file under `root`, keyed by its path relative to `root`. */
export const readTree = (root: string): ReadonlyMap<string, string> => {
  const files = new Map<string, string>()
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (name.endsWith(".ts")) files.set(relative(root, path).split("\\").join("/"), readFileSync(path, "utf8"))
    }
  }
  walk(root)
  return files
}

/** Strongly connected groups of two or more nodes (Tarjan), i.e. the cycles of a directed graph. */
export const cyclesOf = (graph: ReadonlyMap<string, ReadonlySet<string>>): ReadonlyArray<ReadonlyArray<string>> => {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: Array<string> = []
  const onStack = new Set<string>()
  const groups: Array<Array<string>> = []
  const visit = (node: string) => {
    index.set(node, next)
    low.set(node, next++)
    stack.push(node)
    onStack.add(node)
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target)
        low.set(node, Math.min(low.get(node)!, low.get(target)!))
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!))
    }
    if (low.get(node) === index.get(node)) {
      const group: Array<string> = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        group.push(member)
      } while (member !== node)
      if (group.length > 1) groups.push(group.sort())
    }
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node)
  return groups
}

/** The graph of `edges` with each file replaced by `groupOf(file)`; edges inside a group vanish. */
export const groupGraph = (edges: ReadonlyArray<ImportEdge>, groupOf: (file: string) => string) => {
  const graph = new Map<string, Set<string>>()
  for (const { from, to } of edges) {
    const a = groupOf(from)
    const b = groupOf(to)
    if (!graph.has(a)) graph.set(a, new Set())
    if (!graph.has(b)) graph.set(b, new Set())
    if (a !== b) graph.get(a)!.add(b)
  }
  return graph
}

/** The top-level folder of a file under `core/` (a file directly in `core/` is its own group). */
export const topFolder = (file: string): string => (file.includes("/") ? file.slice(0, file.indexOf("/")) : file)

export const coreRoot = join(dirname(new URL(import.meta.url).pathname), "../../../core")
