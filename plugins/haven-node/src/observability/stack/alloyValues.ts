import type { ObservabilityStackInput } from './input';

/** Alloy: the OTLP pipeline (typed, rendered elsewhere) and its OTLP ports. */
export function alloyValues(
  input: ObservabilityStackInput,
): Record<string, unknown> {
  return {
    alloy: {
      configMap: { content: input.alloyConfig },
      extraPorts: [
        { name: 'otlp-grpc', port: 4317, targetPort: 4317, protocol: 'TCP' },
        { name: 'otlp-http', port: 4318, targetPort: 4318, protocol: 'TCP' },
      ],
    },
    // One Deployment is enough for OTLP and Kubernetes API log collection.
    controller: { type: 'deployment' },
  };
}
