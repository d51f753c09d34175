/**
 * @module One rebalance as this instance saw it, and the sentence health reports for it: who
 * joined, left or died, and which symbols moved to or from whom.
 */
import type { Handover } from "./rendezvous.ts"

/** One rebalance as seen by this instance. */
export interface OwnershipChange {
  readonly at: number
  readonly live: ReadonlyArray<string>
  readonly joined: ReadonlyArray<string>
  /** Instances that deregistered on shutdown. */
  readonly left: ReadonlyArray<string>
  /** Instances whose heartbeat expired (crashed, killed, partitioned). */
  readonly died: ReadonlyArray<string>
  readonly gained: ReadonlyArray<Handover>
  readonly lost: ReadonlyArray<Handover>
  readonly summary: string
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

export const describeChange = (self: string, c: Omit<OwnershipChange, "summary" | "at" | "live">): string => {
  const parts: Array<string> = []
  if (c.died.length > 0) parts.push(`instance ${c.died.join(", ")} died (heartbeat lost)`)
  if (c.left.length > 0) parts.push(`instance ${c.left.join(", ")} left`)
  if (c.joined.length > 0) parts.push(`instance ${c.joined.join(", ")} joined`)
  // A handover from or to nobody is the tracked set changing (a top symbol joined or left).
  const byFrom = new Map<string | undefined, Array<string>>()
  for (const h of c.gained) byFrom.set(h.from, [...(byFrom.get(h.from) ?? []), h.symbol])
  for (const [from, symbols] of byFrom) {
    const list = `${plural(symbols.length, "symbol")} (${symbols.join(", ")})`
    parts.push(
      from === undefined ? `${self} took up ${list} newly tracked` : `${self} took over ${list} from instance ${from}`,
    )
  }
  const byTo = new Map<string | undefined, Array<string>>()
  for (const h of c.lost) byTo.set(h.to, [...(byTo.get(h.to) ?? []), h.symbol])
  for (const [to, symbols] of byTo) {
    const list = `${plural(symbols.length, "symbol")} (${symbols.join(", ")})`
    parts.push(
      to === undefined ? `${self} dropped ${list} no longer tracked` : `${self} handed ${list} to instance ${to}`,
    )
  }
  if (c.gained.length === 0 && c.lost.length === 0) parts.push(`no symbols moved to or from ${self}`)
  return parts.join("; ")
}
