import { bucket, S3_SECRET, type ObservabilityStackInput } from './input';

/** Loki: logs in S3, retention by the compactor, OTLP labels (contracts.md 4). */
export function lokiValues(
  input: ObservabilityStackInput,
): Record<string, unknown> {
  const mono = input.modes.loki === 'monolithic';
  return {
    deploymentMode: mono ? 'Monolithic' : 'Distributed',
    loki: {
      auth_enabled: input.tenancy.mode !== 'single',
      commonConfig: { replication_factor: mono ? 1 : 3 },
      schemaConfig: {
        configs: [
          {
            from: '2024-04-01',
            store: 'tsdb',
            object_store: 's3',
            schema: 'v13',
            index: { prefix: 'loki_index_', period: '24h' },
          },
        ],
      },
      storage: {
        type: 's3',
        bucketNames: {
          chunks: bucket(input, 'loki-chunks'),
          // The chart (18.x) takes only these two (its values and schema).
          ruler: bucket(input, 'loki-ruler'),
        },
        s3: {
          endpoint: input.storage.endpoint,
          region: input.storage.region,
          // Expanded by Loki from the synced Secret (-config.expand-env=true).
          accessKeyId: '${S3_ACCESS_KEY_ID}',
          secretAccessKey: '${S3_SECRET_ACCESS_KEY}',
          s3ForcePathStyle: input.storage.forcePathStyle,
        },
      },
      limits_config: {
        retention_period: input.retention.logs,
        allow_structured_metadata: true,
      },
      compactor: { retention_enabled: true, delete_request_store: 's3' },
    },
    defaults: {
      extraArgs: ['-config.expand-env=true'],
      extraEnvFrom: [{ secretRef: { name: S3_SECRET } }],
    },
    minio: { enabled: false },
    ...(mono
      ? {
          singleBinary: { replicas: 1 },
          backend: { replicas: 0 },
          read: { replicas: 0 },
          write: { replicas: 0 },
        }
      : {}),
  };
}
