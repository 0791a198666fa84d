export {
  findChartsReferenceDir,
  loadChartReference,
  passThroughInTemplate,
  type ChartReference,
  type ChartReferenceOptions,
  type ChartReferenceResult,
  type MissingChartReference,
  type PassThroughPath,
} from './chartReference';
export {
  looksLikeYamlValue,
  parseCommentedKeys,
  type CommentedKey,
  type CommentedKeyShape,
} from './commentedKeys';
export {
  expectKnownValues,
  type ExpectKnownValuesOptions,
  type ExpectKnownValuesResult,
} from './expectKnownValues';
export { formatValuePath, type ValuePathSegment } from './paths';
export { unknownValueKeys, type UnknownValueKey } from './unknownValueKeys';
export {
  coalesceValues,
  validateLokiValues,
  type SchemaProblem,
  type ValidateLokiValuesOptions,
} from './validateLokiValues';
