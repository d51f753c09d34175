/**
 * Alert delivery against real local HTTP receivers that also fail on purpose: webhook JSON,
 * Discord embeds routed per kind, Telegram Bot API format; retries on retryable failures,
 * none on client errors, failures recorded and dead-lettered; secrets never leak.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { foldConfluence, rollUpTimeframes } from "../../../../core/analysis/index.ts"
import { AppConfig, type VirtuosoConfigInput } from "../../../../core/config/index.ts"
import { EventBus, makeEvent, type VirtuosoEvent } from "../../../../core/events/index.ts"
import { AlertManager, buildSignal, DEFAULT_RULES } from "../../../../core/signals/index.ts"
import { eventually } from "../../../support/eventually.ts"

interface Received {
  readonly path: string
  readonly body: any
}

/** A receiver whose answer per path is scripted: a list of statuses, the last one repeating. */
const makeReceiver = (script: Record<string, ReadonlyArray<number>>) => {
  const received: Array<Received> = []
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const path = new URL(request.url).pathname
      received.push({ path, body: await request.json() })
      const statuses = script[path] ?? [404]
      const n = received.filter((r) => r.path === path).length
      const status = statuses[Math.min(n - 1, statuses.length - 1)]!
      return new Response(status === 200 ? "ok" : "nope", {
        status,
        headers: status === 429 ? { "retry-after": "0" } : {},
      })
    },
  })
  return { received, url: (path: string) => `http://127.0.0.1:${server.port}${path}`, stop: () => server.stop(true) }
}

const signal = () => {
  const outcome = (name: string, component: "technical" | "orderflow", score: number) => ({
    name,
    component,
    weight: 1,
    status: "ok" as const,
    score,
    values: {},
    micros: 1,
  })
  const result = foldConfluence([outcome("rsi", "technical", 85), outcome("cvd", "orderflow", 80)], {
    timeframe: "1m",
    time: 60_000,
  })
  const confluence = rollUpTimeframes("BTC/USDT", [result], { "1m": 1 })
  return buildSignal({
    confluence,
    decision: { side: "long", agreement: 1 },
    timeframe: "all",
    price: 50_000,
    atr: 100,
    rules: { ...DEFAULT_RULES, stopAtr: 1.5, targets: [1, 2] },
  })
}

const SECRET_TOKEN = "123456:SECRET-bot-token"

/** Starts bus + alert manager; resolves once `count` alert.sent/failed events were seen. */
const run = async (alerts: VirtuosoConfigInput["alerts"], count: number) => {
  const scope = Effect.runSync(Scope.make())
  const layer = AlertManager.layer.pipe(
    Layer.provideMerge(EventBus.layerTest),
    Layer.provideMerge(AppConfig.layerFrom({ alerts })),
  )
  const context = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  const bus = Context.get(context, EventBus)
  const outcomes: Array<VirtuosoEvent> = []
  let done!: () => void
  const finished = new Promise<void>((resolve) => (done = resolve))
  await Effect.runPromise(
    Scope.provide(scope)(
      bus.subscribe(
        "alert.*",
        (event) =>
          Effect.sync(() => {
            outcomes.push(event)
            if (outcomes.length >= count) done()
          }),
        { name: "test:alerts" },
      ),
    ),
  )
  const event = await Effect.runPromise(makeEvent("signal.emitted", { ...signal() }, { source: "test" }))
  await Effect.runPromise(bus.publish(event))
  await finished
  // A failed delivery is recorded (alert.failed) before its handler fails and the bus
  // dead-letters it, so give the bus its turn before reading the DLQ.
  const expectedDeadLetters = outcomes.filter((e) => e.type === "alert.failed").length
  const deadLetters = await eventually(
    `${expectedDeadLetters} dead letters`,
    () => Effect.runPromise(bus.deadLetters.list()),
    (list) => list.length >= expectedDeadLetters,
  )
  await Effect.runPromise(Scope.close(scope, Exit.void))
  return { outcomes, deadLetters }
}

describe("alert delivery", () => {
  const receiver = makeReceiver({
    "/hook": [200],
    "/discord-main": [200],
    "/discord-signals": [200],
    [`/bot${SECRET_TOKEN}/sendMessage`]: [200],
    "/flaky": [500, 503, 200],
    "/bad": [400],
    "/limited": [429, 200],
  })
  afterAll(() => receiver.stop())

  test("webhook, Discord (per-kind webhook) and Telegram each get their format", async () => {
    const { outcomes } = await run(
      {
        log: false,
        webhook: { url: receiver.url("/hook") },
        discord: { url: receiver.url("/discord-main"), signals: receiver.url("/discord-signals") },
        telegram: { token: SECRET_TOKEN, chatId: "42", apiUrl: receiver.url("") },
      },
      3,
    )
    expect(outcomes.map((e) => e.type).sort()).toEqual(["alert.sent", "alert.sent", "alert.sent"])

    const hook = receiver.received.find((r) => r.path === "/hook")!
    expect(hook.body.kind).toBe("signals")
    expect(hook.body.signal.symbol).toBe("BTC/USDT")
    expect(hook.body.signal.trade.stop).toBe(49_850)

    // The signals webhook wins over the main one.
    expect(receiver.received.some((r) => r.path === "/discord-main")).toBe(false)
    const discord = receiver.received.find((r) => r.path === "/discord-signals")!
    expect(discord.body.embeds[0].title).toContain("LONG BTC/USDT")
    expect(discord.body.embeds[0].color).toBe(0x2ecc71)
    expect(discord.body.embeds[0].fields.find((f: any) => f.name === "Stop").value).toBe("49850.00")

    const telegram = receiver.received.find((r) => r.path.endsWith("/sendMessage"))!
    expect(telegram.body.chat_id).toBe("42")
    expect(telegram.body.parse_mode).toBe("HTML")
    expect(telegram.body.text).toContain("<b>LONG BTC/USDT")
  })

  test("5xx is retried until it succeeds; 429 honours Retry-After and is retried", async () => {
    const before = receiver.received.length
    const { outcomes } = await run(
      {
        log: false,
        retry: { attempts: 3, baseMs: 5 },
        webhook: { url: receiver.url("/flaky") },
        discord: { url: receiver.url("/limited") },
      },
      2,
    )
    const mine = receiver.received.slice(before)
    expect(mine.filter((r) => r.path === "/flaky").length).toBe(3)
    expect(mine.filter((r) => r.path === "/limited").length).toBe(2)
    expect(outcomes.every((e) => e.type === "alert.sent")).toBe(true)
  })

  test("a client error is not retried: alert.failed, dead-lettered, and the token never shows", async () => {
    const before = receiver.received.length
    const { outcomes, deadLetters } = await run(
      {
        log: false,
        retry: { attempts: 5, baseMs: 5 },
        telegram: { token: SECRET_TOKEN, chatId: "42", apiUrl: receiver.url("/bad-api") },
        webhook: { url: receiver.url("/bad") },
      },
      2,
    )
    const mine = receiver.received.slice(before)
    expect(mine.filter((r) => r.path === "/bad").length).toBe(1)
    expect(outcomes.map((e) => e.type)).toEqual(["alert.failed", "alert.failed"])
    const errors = outcomes.map((e) => String((e.payload as { error: string }).error))
    expect(errors.some((e) => e.includes("HTTP 400"))).toBe(true)
    expect(errors.some((e) => e.includes("HTTP 404"))).toBe(true)
    expect(deadLetters.map((d) => d.subscriber).sort()).toEqual([
      "alert:telegram:signal.emitted",
      "alert:webhook:signal.emitted",
    ])
    const everything = JSON.stringify({ outcomes, deadLetters: deadLetters.map((d) => ({ ...d, event: undefined })) })
    expect(everything).not.toContain("SECRET-bot-token")
  })

  test("a signal.emitted whose payload is not a signal is dead-lettered with the decode error, not sent", async () => {
    const before = receiver.received.length
    const scope = Effect.runSync(Scope.make())
    const layer = AlertManager.layer.pipe(
      Layer.provideMerge(EventBus.layerTest),
      Layer.provideMerge(AppConfig.layerFrom({ alerts: { log: false, webhook: { url: receiver.url("/hook") } } })),
    )
    const bus = Context.get(await Effect.runPromise(Layer.buildWithScope(layer, scope)), EventBus)
    // The catalogue's fields are there (symbol, direction, score); the trade plan is not.
    const { trade: _trade, ...partial } = signal()
    await Effect.runPromise(Effect.flatMap(makeEvent("signal.emitted", partial, { source: "importer" }), bus.publish))
    const deadLetters = await eventually(
      "one dead letter",
      () => Effect.runPromise(bus.deadLetters.list()),
      (l) => l.length >= 1,
    )
    await Effect.runPromise(Scope.close(scope, Exit.void))
    expect(deadLetters.map((d) => d.subscriber)).toEqual(["alert:webhook:signal.emitted"])
    expect(deadLetters[0]!.error).toContain("signal.emitted payload is not a signal (trade:")
    expect(receiver.received.length).toBe(before)
  })
})
