/*
 * A cluster's telemetry stack (Loki, Tempo, Mimir, Alloy, Grafana) as the
 * fleet-repository files Flux applies: observabilityStack.ts builds them,
 * one file per chart builds its values.
 */

export { buildObservabilityStack, clusterRoot } from './observabilityStack';
export { OBSERVABILITY_CHARTS } from './charts';
export { observabilityDatasources } from './datasources';
export type { TenantDatasources } from './datasources';
export { observabilityEndpoints } from './endpoints';
export type { ObservabilityStackInput, ObservabilityTenancy } from './input';
