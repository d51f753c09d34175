/**
 * orderflow-pressure — tick-test pressure: volume printed on upticks vs downticks.
 *
 * Score rule: p = (uptick − downtick volume)/(uptick + downtick volume) over the newest 300
 *   trades (a trade at an unchanged price inherits the last tick's direction);
 *   score = 50 + 50·tanh(p / 0.4)
 *   Reads the prices, not the reported sides, so it still works where an exchange's aggressor
 *   flag is missing or unreliable.
 * No trades / fewer than 10: unavailable. No price change in the window: 50, "no ticks".
 */
import { defineIndicator, scoring as s } from "virtuoso/sdk"

export default defineIndicator<{ window: number; scale: number }>({
  apiVersion: 1,
  kind: "indicator",
  name: "orderflow-pressure",
  component: "orderflow",
  weight: 0.08,
  lookback: 0,
  scope: "symbol",
  needs: ["trades"],
  description: "uptick vs downtick volume (tick test)",
  params: {
    window: { type: "number", default: 300, description: "newest trades examined", min: 10, max: 100000 },
    scale: { type: "number", default: 0.4, description: "tick balance that maps to ≈88 / 12", min: 0.01, max: 1 },
  },
  compute(ctx) {
    const { window, scale } = ctx.params
    const problem = s.tapeProblem(ctx.tape, 10)
    if (problem !== undefined || ctx.tape === undefined) return s.unavailable(problem ?? "no trades")
    const { up, down } = s.tickVolumes(ctx.tape, s.tailStart(ctx.tape, window))
    if (!(up + down > 0)) return s.scored(50, { uptickVolume: 0, downtickVolume: 0 }, "no ticks")
    const p = s.balance(up, down)
    return s.scored(s.squash(p, scale), { uptickVolume: up, downtickVolume: down, pressure: p })
  },
})
