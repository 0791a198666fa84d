import { MIMIR_OTEL_METRIC_SUFFIXES } from '@haven-plus/plugin-haven-common';
import { bucket, S3_SECRET, type ObservabilityStackInput } from './input';

/** Resource attributes Mimir copies onto every series it takes in over OTLP. */
const MIMIR_PROMOTED_ATTRIBUTES =
  'service.name,service.namespace,deployment.environment.name';

/** Mimir: metrics blocks, ruler and alertmanager in S3 (structuredConfig). */
export function mimirValues(
  input: ObservabilityStackInput,
): Record<string, unknown> {
  return {
    minio: { enabled: false },
    global: {
      extraArgs: { 'config.expand-env': 'true' },
      extraEnvFrom: [{ secretRef: { name: S3_SECRET } }],
    },
    mimir: {
      structuredConfig: {
        multitenancy_enabled: input.tenancy.mode !== 'single',
        common: {
          storage: {
            backend: 's3',
            s3: {
              endpoint: input.storage.endpoint,
              region: input.storage.region,
              access_key_id: '${S3_ACCESS_KEY_ID}',
              secret_access_key: '${S3_SECRET_ACCESS_KEY}',
            },
          },
        },
        blocks_storage: { s3: { bucket_name: bucket(input, 'mimir-blocks') } },
        ruler_storage: { s3: { bucket_name: bucket(input, 'mimir-ruler') } },
        alertmanager_storage: {
          s3: { bucket_name: bucket(input, 'mimir-alertmanager') },
        },
        limits: {
          compactor_blocks_retention_period: input.retention.metrics,
          // Mimir's OTLP endpoint maps service.name and service.namespace to
          // `job` and keeps other resource attributes only in target_info;
          // promoted ones become labels of every series. Experimental,
          // a comma-separated string (flagext.StringSliceCSV): grafana/mimir
          // pkg/util/validation/limits.go, `promote_otel_resource_attributes`,
          // -distributor.otel-promote-resource-attributes.
          promote_otel_resource_attributes: MIMIR_PROMOTED_ATTRIBUTES,
          // Unit and _total suffixes on OTLP metric names, as Prometheus
          // names them (http_server_requests_total); Mimir's default is off
          // (limits.go, -distributor.otel-metric-suffixes-enabled). The
          // entity page's metric names follow this (haven-common promql.ts).
          otel_metric_suffixes_enabled: MIMIR_OTEL_METRIC_SUFFIXES,
        },
      },
    },
  };
}
