/**
 * @module One timeframe's contributors table on the symbol page: the plugins that moved its
 * score most, with their component, score, contribution and a few of their values. Browser code
 * like `symbol-client.ts` (self-contained, no imports at run time), inlined beside the client and
 * handed to it as an argument. Written with `textContent`, never as HTML.
 */

type Contributor = {
  name: string
  component: string
  status: string
  score: number | null
  contribution: number | null
  values: Record<string, number>
}

/** Fills `table` with the answer of `/v1/confluence/:symbol/contributors` and `note` with its time. */
export function contributorsTable(
  table: HTMLElement,
  note: HTMLElement,
  answer: { ok: boolean; body: Record<string, unknown> | null },
): void {
  const el = (tag: string, text?: string, cls?: string) => {
    const node = document.createElement(tag)
    if (text !== undefined) node.textContent = text
    if (cls !== undefined) node.className = cls
    return node
  }
  const fmt = (n: number | null | undefined, digits = 1) =>
    typeof n === "number" && Number.isFinite(n) ? n.toFixed(digits) : "–"
  const list = (answer.ok ? ((answer.body?.items as Array<Contributor>) ?? []) : []).slice(0, 8)
  table.replaceChildren(
    ...list.map((c) => {
      const row = el("tr")
      const values = Object.entries(c.values)
        .slice(0, 4)
        .map(([k, v]) => `${k} ${fmt(v, Math.abs(v) >= 100 ? 1 : 3)}`)
        .join(", ")
      const sign = (c.contribution ?? 0) >= 0 ? "+" : ""
      row.append(
        el("td", c.name, "text"),
        el("td", c.component.replace("_", " "), "text"),
        el("td", fmt(c.score)),
        el(
          "td",
          c.contribution === null ? "–" : `${sign}${fmt(c.contribution, 2)}`,
          (c.contribution ?? 0) >= 0 ? "long" : "short",
        ),
        el("td", values, "text"),
      )
      return row
    }),
  )
  const time = answer.body?.time
  note.textContent =
    list.length === 0
      ? "no score yet"
      : `candle ${typeof time === "number" ? new Date(time).toISOString().slice(0, 16).replace("T", " ") : ""}` +
        ` · score ${fmt(answer.body?.score as number)}`
}
