/** A day file's gzip members, read one at a time: the same text as inflating the file whole, checked. */
import { expect, test } from "bun:test"
import { gunzipSync } from "node:zlib"
import { gzipMembers } from "../../../core/store/gzip-members.ts"

const texts = ["first member\n", "second\n".repeat(20_000), "", 'fourth {"a":1}\n']
const file = Buffer.concat(texts.map((t) => Bun.gzipSync(Buffer.from(t))))

test("each member's text in file order, as inflating the whole file gives it", () => {
  const members = [...gzipMembers(file)]
  expect(members).toEqual(texts)
  expect(members.join("")).toBe(gunzipSync(file).toString())
})

test("a damaged or cut member fails with its offset", () => {
  const damaged = Buffer.from(file)
  const second = Bun.gzipSync(Buffer.from(texts[0]!)).length
  damaged[second + 20] = damaged[second + 20]! ^ 0xff
  expect(() => [...gzipMembers(damaged)]).toThrow(/gzip member at byte/)
  expect(() => [...gzipMembers(file.subarray(0, file.length - 3))]).toThrow(`gzip member at byte`)
  expect(() => [...gzipMembers(Buffer.concat([file, Buffer.from("junk")]))]).toThrow(/no gzip header/)
})
