export {
  chartReferenceFromFiles,
  passThroughInTemplate,
  type ChartReference,
  type ChartReferenceResult,
  type ChartValuesFiles,
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
  HelmRepositoryReader,
  type ChartCoordinates,
  type ChartLookup,
  type HelmRepositoryReaderOptions,
} from './helmRepository';
export {
  describeValue,
  formatValuePath,
  isPlainObject,
  type ValuePathSegment,
} from './paths';
export { unknownValueKeys, type UnknownValueKey } from './unknownValueKeys';
