/**
 * The accessibility basics, checked in the page itself: a document language, a name for every
 * form control, image and link, and WCAG AA contrast (4.5:1, 3:1 for large text) for every
 * visible text against the background it is drawn on. Returns the problems found.
 */
import type { Page } from "playwright-core"

export const accessibilityProblems = (page: Page): Promise<Array<string>> =>
  page.evaluate(() => {
    const problems: Array<string> = []
    const describe = (node: Element) => {
      const id = node.id ? `#${node.id}` : ""
      const classes =
        typeof node.className === "string" && node.className !== "" ? `.${node.className.split(" ").join(".")}` : ""
      return `${node.tagName.toLowerCase()}${id}${classes}`
    }
    if (!document.documentElement.lang) problems.push("html has no lang")
    if (document.title.trim() === "") problems.push("document has no title")

    const named = (node: Element) =>
      (node.getAttribute("aria-label") ?? "").trim() !== "" ||
      (node.getAttribute("aria-labelledby") ?? "")
        .split(" ")
        .some((id) => (document.getElementById(id)?.textContent ?? "").trim() !== "") ||
      (node.id !== "" && document.querySelector(`label[for="${node.id}"]`) !== null) ||
      node.closest("label") !== null
    for (const control of document.querySelectorAll("input, select, textarea"))
      if (!named(control)) problems.push(`${describe(control)} has no label`)
    for (const image of document.querySelectorAll("img"))
      if (!image.hasAttribute("alt")) problems.push(`${describe(image)} has no alt`)
    for (const figure of document.querySelectorAll('[role="img"]'))
      if (!named(figure)) problems.push(`${describe(figure)} (role img) has no label`)
    for (const link of document.querySelectorAll("a, button"))
      if ((link.textContent ?? "").trim() === "" && !named(link)) problems.push(`${describe(link)} has no text`)

    const rgba = (text: string) => {
      const m = text.match(/rgba?\(([^)]+)\)/)
      if (m === null) return [0, 0, 0, 0]
      const [r, g, b, a] = m[1]!
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number)
      return [r!, g!, b!, a ?? 1]
    }
    const luminance = ([r, g, b]: Array<number>) => {
      const lin = (c: number) => {
        const s = c / 255
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
      }
      return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!)
    }
    const background = (node: Element | null): Array<number> => {
      for (let at = node; at !== null; at = at.parentElement) {
        const bg = rgba(getComputedStyle(at).backgroundColor)
        if (bg[3]! >= 0.99) return bg
        if (bg[3]! > 0) {
          // Translucent (heatmap cells): blend over what is below it.
          const below = background(at.parentElement)
          return [0, 1, 2].map((i) => bg[i]! * bg[3]! + below[i]! * (1 - bg[3]!)).concat(1)
        }
      }
      return [255, 255, 255, 1]
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    const seen = new Set<Element>()
    for (let text = walker.nextNode(); text !== null; text = walker.nextNode()) {
      const owner = text.parentElement
      if (owner === null || seen.has(owner) || (text.textContent ?? "").trim() === "") continue
      seen.add(owner)
      if (owner.closest('[aria-hidden="true"], script, style, [role="img"]') !== null) continue
      const style = getComputedStyle(owner)
      const box = owner.getBoundingClientRect()
      if (style.visibility === "hidden" || style.display === "none" || box.width === 0 || box.height === 0) continue
      const ratioOf = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)
      const ratio = ratioOf(luminance(rgba(style.color)), luminance(background(owner)))
      const size = Number.parseFloat(style.fontSize)
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700)
      if (ratio < (large ? 3 : 4.5))
        problems.push(
          `contrast ${ratio.toFixed(2)} of ${describe(owner)} "${(text.textContent ?? "").trim().slice(0, 30)}"`,
        )
    }
    return problems
  })
