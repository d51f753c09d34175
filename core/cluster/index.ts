/** @module core/cluster — distributed mode: instance heartbeats, the symbol split, shared state, health and metrics. */
export {
  clusterEventPipeline,
  clusterStoredEventPipeline,
  clusterFoundation,
  clusterLayers,
  ClusterChecksLive,
  instanceIdOf,
} from "./cluster-live.ts"
export { clusterHealth, clusterSamples, type ClusterView } from "./cluster-checks.ts"
export {
  clusterAlertsLayer,
  clusterAnalysisLayer,
  clusterSignalsLayer,
  OwnedEventBus,
  SharedAnalysis,
} from "./decorators.ts"
export { clusterKeys } from "./keys.ts"
export { ReplicatingTransport, replicates } from "./replication.ts"
export { assign, diffAssignments, hash32, ownerOf, type Handover } from "./rendezvous.ts"
export { SharedState, type SharedStateOptions, type SharedStateStats } from "./shared-state.ts"
export {
  SymbolOwnership,
  type OwnershipChange,
  type OwnershipOptions,
  type OwnershipSnapshot,
} from "./symbol-ownership.ts"
