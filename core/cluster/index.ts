/** @module core/cluster — distributed mode: instance heartbeats, the symbol split, shared state, health and metrics. */
export { clusterLayers } from "./cluster-live.ts"

export { OwnedEventBus } from "./decorators.ts"
export { clusterKeys } from "./keys.ts"

export { assign, diffAssignments, ownerOf } from "./rendezvous.ts"
export { SharedState } from "./shared-state.ts"
export { SymbolOwnership } from "./symbol-ownership.ts"
