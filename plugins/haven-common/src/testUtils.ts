/**
 * Test helpers of Haven+'s shared package: reading back the Grafana Explore
 * links that `telemetryLinks` builds, to assert on their queries.
 *
 * @packageDocumentation
 */
export { decodeExploreUrl } from './telemetry/explore';
export type {
  DecodedExploreUrl,
  ExploreRange,
  ExploreUrlFormat,
} from './telemetry/explore';
