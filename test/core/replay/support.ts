/** Helpers of the replay tests: the fixture candles read by hand, temp dirs, a strict XML check. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

export const ROOT = resolve(import.meta.dir, "../../..")
export const BTC = join(ROOT, "test/fixtures/talib/btcusdt-1m.csv")
export const LTC = join(ROOT, "test/fixtures/talib/ltcusdt-1m.csv")

export interface Row {
  readonly time: number
  readonly close: number
  readonly line: string
}

/** The CSV read without core/ta/csv.ts, so forward returns are checked against an independent reading. */
export const readRows = (path: string): ReadonlyArray<Row> =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const cells = line.split(",")
      return { time: Number(cells[0]), close: Number(cells[4]), line }
    })

/** `bun run replay` as a child process; the replay reads VIRTUOSO_* like the engine, so the test's own are kept out. */
export const runReplayCli = async (args: ReadonlyArray<string>) => {
  const child = Bun.spawn([process.execPath, "core/replay/cli.ts", ...args], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "" },
  })
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  return { code, stdout, stderr }
}

export const withTempDir = async <A>(f: (dir: string) => Promise<A>): Promise<A> => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-replay-"))
  try {
    return await f(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface XmlElement {
  readonly name: string
  readonly attributes: Record<string, string>
  readonly children: Array<XmlElement>
  text: string
}

/**
 * A strict little XML parser (there is no DOMParser under Bun): prolog, elements, attributes
 * (quoted, unique), character data with the five predefined entities and numeric references.
 * Throws on anything malformed: unclosed or mismatched tags, bare `<` or `&`, two roots.
 */
export const parseXml = (text: string): XmlElement => {
  let i = 0
  const fail = (why: string): never => {
    throw new Error(`XML: ${why} at offset ${i}`)
  }
  const checkText = (s: string) => {
    if (s.includes("<")) fail("bare <")
    for (const m of s.matchAll(/&([^;]*);?/g)) {
      if (!m[0].endsWith(";") || !/^(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(m[1]!)) fail(`bad entity ${m[0]}`)
    }
  }
  if (text.startsWith("<?xml")) {
    const end = text.indexOf("?>")
    if (end < 0) fail("unclosed prolog")
    i = end + 2
  }
  const stack: Array<XmlElement> = []
  let root: XmlElement | undefined
  while (i < text.length) {
    const lt = text.indexOf("<", i)
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt)
    checkText(chunk)
    if (stack.length > 0) stack.at(-1)!.text += chunk
    else if (chunk.trim() !== "") fail("text outside the root element")
    if (lt < 0) break
    i = lt
    const gt = text.indexOf(">", i)
    if (gt < 0) fail("unclosed tag")
    const tag = text.slice(i + 1, gt)
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim()
      const open = stack.pop()
      if (!open || open.name !== name) fail(`</${name}> closes ${open ? `<${open.name}>` : "nothing"}`)
    } else {
      const selfClosing = tag.endsWith("/")
      const body = selfClosing ? tag.slice(0, -1) : tag
      const m = /^([A-Za-z_][\w.-]*)/.exec(body) ?? fail(`bad tag <${tag.slice(0, 20)}`)
      const name = m[1]!
      const attributes: Record<string, string> = {}
      let rest = body.slice(name.length)
      while (rest.trim() !== "") {
        const a =
          /^\s+([A-Za-z_:][\w.:-]*)="([^"<]*)"/.exec(rest) ?? fail(`bad attribute in <${name}>: ${rest.slice(0, 30)}`)
        if (a[1]! in attributes) fail(`attribute ${a[1]} twice in <${name}>`)
        checkText(a[2]!)
        attributes[a[1]!] = a[2]!
        rest = rest.slice(a[0].length)
      }
      const element: XmlElement = { name, attributes, children: [], text: "" }
      if (stack.length > 0) stack.at(-1)!.children.push(element)
      else if (root !== undefined) fail("second root element")
      else root = element
      if (!selfClosing) stack.push(element)
    }
    i = gt + 1
  }
  if (stack.length > 0) fail(`<${stack.at(-1)!.name}> is never closed`)
  return root ?? fail("no root element")
}

export const descendants = (e: XmlElement): Array<XmlElement> => e.children.flatMap((c) => [c, ...descendants(c)])
