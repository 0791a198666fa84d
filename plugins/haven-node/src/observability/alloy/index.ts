/*
 * Grafana Alloy configuration as typed data: the model (model.ts), the
 * component builders (components/), and the printer (printer.ts). What the
 * reference docs say about each component type is in catalog.ts; reading
 * text back and checking its wiring (reader.ts, wiring.ts) serve the tests.
 */

export { attr, block, call, exportOf, obj, ref } from './model';
export type {
  AlloyAttribute,
  AlloyBlock,
  AlloyBody,
  AlloyCall,
  AlloyComponent,
  AlloyComponentExports,
  AlloyKnownComponent,
  AlloyLastSegment,
  AlloyObject,
  AlloyRef,
  AlloyRefPath,
  AlloyTargetsRef,
  AlloyValue,
} from './model';
export { isAlloyIdentifier } from './syntax';
export { batchProcessor, otlpReceiver } from './components/otelcol';
export type {
  AlloyOtelOutput,
  BatchProcessorOptions,
  OtlpReceiverOptions,
} from './components/otelcol';
export { filterProcessor } from './components/filterProcessor';
export type {
  FilterConditions,
  FilterProcessorOptions,
} from './components/filterProcessor';
export { otlpGrpcExporter, otlpHttpExporter } from './components/exporters';
export type {
  OtlpGrpcExporterOptions,
  OtlpHttpExporterOptions,
} from './components/exporters';
export { discoveryRelabel, kubernetesDiscovery } from './components/discovery';
export type {
  AlloyRelabelAction,
  AlloyRelabelRule,
  DiscoveryRelabelOptions,
  KubernetesDiscoveryOptions,
} from './components/discovery';
export { kubernetesLogSource, lokiWrite } from './components/logs';
export type {
  KubernetesLogSourceOptions,
  LokiWriteOptions,
} from './components/logs';
export { quoteAlloyString, renderAlloy } from './printer';
