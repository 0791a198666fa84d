export {
  loadChartReference,
  type ChartReferenceOptions,
  type ChartReferenceResult,
  type MissingChartReference,
} from './chartReference';
export {
  expectKnownValues,
  type ExpectKnownValuesOptions,
  type ExpectKnownValuesResult,
} from './expectKnownValues';
export {
  coalesceValues,
  validateLokiValues,
  type SchemaProblem,
  type ValidateLokiValuesOptions,
} from './validateLokiValues';
