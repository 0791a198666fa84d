import { bucket, S3_SECRET, type ObservabilityStackInput } from './input';

/** Tempo: traces in S3 with retention; OTLP gRPC and HTTP receivers. */
export function tempoValues(
  input: ObservabilityStackInput,
): Record<string, unknown> {
  const s3 = {
    bucket: bucket(input, 'tempo'),
    endpoint: input.storage.endpoint,
    access_key: '${S3_ACCESS_KEY_ID}',
    secret_key: '${S3_SECRET_ACCESS_KEY}',
    insecure: false,
  };
  if (input.modes.tempo === 'monolithic') {
    return {
      tempo: {
        retention: input.retention.traces,
        multitenancyEnabled: input.tenancy.mode !== 'single',
        storage: { trace: { backend: 's3', s3 } },
        receivers: {
          otlp: {
            protocols: {
              grpc: { endpoint: '0.0.0.0:4317' },
              http: { endpoint: '0.0.0.0:4318' },
            },
          },
        },
        extraArgs: { 'config.expand-env': 'true' },
        extraEnvFrom: [{ secretRef: { name: S3_SECRET } }],
      },
    };
  }
  return {
    multitenancyEnabled: input.tenancy.mode !== 'single',
    storage: { trace: { backend: 's3', s3 } },
    // Tempo 3: retention is a job of the backend scheduler (chart 3.3.0 values).
    backendScheduler: {
      config: {
        provider: {
          compaction: {
            compaction: { block_retention: input.retention.traces },
          },
        },
      },
    },
    traces: { otlp: { grpc: { enabled: true }, http: { enabled: true } } },
    global: {
      extraArgs: ['-config.expand-env=true'],
      extraEnvFrom: [{ secretRef: { name: S3_SECRET } }],
    },
  };
}
