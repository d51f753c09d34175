/** `plugins.isolation` / `plugins.workers` / `plugins.workerHeapMb`: defaults and the errors a bad value gets. */
import { expect, test } from "bun:test"
import { parseConfig } from "../../../core/config/load.ts"

test("built-ins run inline by default; the pool size defaults to the machine (unset here)", () => {
  const c = parseConfig({})
  expect(c.plugins.isolation).toBe("inline")
  expect(c.plugins.workers).toBeUndefined()
  expect(c.plugins.workerHeapMb).toBe(1024)
  expect(parseConfig({ plugins: { isolation: "worker", workers: 3 } }).plugins).toMatchObject({
    isolation: "worker",
    workers: 3,
  })
})

test("a bad isolation or pool size is rejected with a message naming the key and the choices", () => {
  expect(() => parseConfig({ plugins: { isolation: "sandbox" } })).toThrow(
    'plugins.isolation: must be "inline" (built-ins run in the host) or "worker" (built-ins run in plugin workers)',
  )
  expect(() => parseConfig({ plugins: { workers: 0 } })).toThrow(/plugins\.workers: .*>=1/)
  expect(() => parseConfig({ plugins: { workerHeapMb: 1 } })).toThrow(/plugins\.workerHeapMb/)
})
