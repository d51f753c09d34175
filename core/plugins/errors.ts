/** @module Tagged errors of the plugin host. */
import { Schema } from "effect"

/** `exchange(name)` found no loaded, enabled exchange plugin of that name. */
export class PluginNotFoundError extends Schema.TaggedError<PluginNotFoundError>()("PluginNotFoundError", {
  plugin: Schema.String,
  kind: Schema.Literals(["indicator", "exchange"]),
  /** Names that are loaded, so the message can say what would work. */
  available: Schema.Array(Schema.String),
}) {
  override get message(): string {
    const list = this.available.length === 0 ? "none are loaded" : `loaded: ${this.available.join(", ")}`
    return `no ${this.kind} plugin named "${this.plugin}" (${list})`
  }
}
