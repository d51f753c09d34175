/**
 * The layering of `core/`, checked on every `npm test` over the real import graph (type-only
 * imports included): each top-level folder belongs to one layer and imports only from its own
 * layer or those below, the folders form no cycle, and no two files import each other at run
 * time. A new folder fails here until it is given a layer; core/README.md explains the layers.
 */
import { describe, expect, test } from "bun:test"
import {
  coreRoot,
  cyclesOf,
  groupGraph,
  type ImportEdge,
  importEdges,
  importsOf,
  readTree,
  topFolder,
} from "../support/import-graph/import-graph.ts"

/** Lowest first; a folder may import from its own layer and the ones before it. */
const LAYERS = [
  { name: "foundations", folders: ["config", "logging", "runtime", "wasm", "market-schema", "ta"] },
  { name: "services", folders: ["metrics", "telemetry", "resilience", "health", "events", "store"] },
  { name: "domain", folders: ["plugins", "market", "analysis", "signals"] },
  { name: "edges", folders: ["cluster", "http", "replay", "wiring", "main.ts"] },
] as const

const rankOf = new Map<string, number>(LAYERS.flatMap((layer, rank) => layer.folders.map((folder) => [folder, rank])))

/** Imports that reach above the importing folder's layer, as readable lines. */
const upwardImports = (edges: ReadonlyArray<ImportEdge>): ReadonlyArray<string> =>
  edges.flatMap(({ from, to }) => {
    const a = rankOf.get(topFolder(from))
    const b = rankOf.get(topFolder(to))
    if (a === undefined || b === undefined || b <= a) return []
    return [`${from} (${LAYERS[a]!.name}) imports ${to} (${LAYERS[b]!.name})`]
  })

const runtimeCycles = (edges: ReadonlyArray<ImportEdge>) =>
  cyclesOf(
    groupGraph(
      edges.filter((e) => !e.typeOnly),
      (file) => file,
    ),
  )

describe("the import reader", () => {
  test("finds static, multi-line, re-export, side-effect and dynamic imports and marks type-only ones", () => {
    const source = [
      `import { a } from "./a.ts"`,
      `import type { B } from "./b.ts"`,
      `import {`,
      `  c,`,
      `  type D,`,
      `} from "./c.ts"`,
      `export type { E } from "./e.ts"`,
      `export * from "./f.ts"`,
      `import "./g.ts"`,
      `const h = () => import("./h.ts")`,
      ` * import { notCode } from "./comment.ts"`,
    ].join("\n")
    expect(importsOf(source)).toEqual([
      { specifier: "./a.ts", typeOnly: false },
      { specifier: "./b.ts", typeOnly: true },
      { specifier: "./c.ts", typeOnly: false },
      { specifier: "./e.ts", typeOnly: true },
      { specifier: "./f.ts", typeOnly: false },
      { specifier: "./g.ts", typeOnly: false },
      { specifier: "./h.ts", typeOnly: false },
    ])
  })

  test("reports a folder cycle, an upward import and a run-time file cycle in a small tree", () => {
    const tree = new Map([
      ["config/index.ts", `import { x } from "../market/index.ts"`],
      ["market/index.ts", `import type { Y } from "../config/index.ts"\nexport * from "./a.ts"`],
      ["market/a.ts", `import { z } from "./index.ts"`],
    ])
    const edges = importEdges(tree)
    expect(cyclesOf(groupGraph(edges, topFolder))).toEqual([["config", "market"]])
    expect(upwardImports(edges)).toEqual(["config/index.ts (foundations) imports market/index.ts (domain)"])
    expect(runtimeCycles(edges)).toEqual([["market/a.ts", "market/index.ts"]])
  })
})

describe("core/ layers", () => {
  const edges = importEdges(readTree(coreRoot))

  test("the reader sees the real graph", () => {
    expect(edges.length).toBeGreaterThan(500)
    expect(edges.some((e) => e.typeOnly)).toBe(true)
  })

  test("every top-level folder has a layer", () => {
    const folders = new Set(edges.flatMap((e) => [topFolder(e.from), topFolder(e.to)]))
    const unplaced = [...folders].filter((folder) => !rankOf.has(folder)).sort()
    expect(unplaced, "add each new folder to LAYERS above (layers: core/README.md)").toEqual([])
  })

  test("no folder imports from a layer above its own", () => {
    expect(upwardImports(edges), "move the shared part down a layer, or wire the two at composition").toEqual([])
  })

  test("no cycle between top-level folders", () => {
    expect(cyclesOf(groupGraph(edges, topFolder)), "folders that import each other").toEqual([])
  })

  test("no run-time import cycle between files", () => {
    expect(runtimeCycles(edges), "files that import each other at run time").toEqual([])
  })
})
