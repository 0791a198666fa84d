/**
 * Test helpers of Haven+'s Node.js library: the datasource UIDs Grafana gets
 * when `haven.grafana.datasources` is not set, and the wiring check of a
 * rendered Alloy configuration.
 *
 * @packageDocumentation
 */
export { DEFAULT_DATASOURCE_UIDS } from '@haven-plus/plugin-haven-common';
export { checkAlloyWiring } from './observability/alloy/wiring';
export type {
  AlloyProblem,
  AlloyProblemKind,
} from './observability/alloy/wiring';
