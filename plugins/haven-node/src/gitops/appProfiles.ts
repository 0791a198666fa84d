import type { OtelMetric } from '@haven-plus/plugin-haven-common';

/*
 * App profiles: what one known chart and app need so that telemetry,
 * secrets and labels really work. Data only; buildAppDelivery (manifests.ts)
 * is the one interpreter. Templates in values: ${endpoint} (the cluster's
 * OTLP endpoint, no trailing slash), ${serviceName}, ${resourceAttributes},
 * ${insecure} ("true" for an http:// endpoint), ${secretName} (the
 * ESO-synced Secret), ${secretKey} (the key in it).
 */

/**
 * The HelmRelease annotation naming the profile it was rendered with, so
 * later edits (haven:gitops:add-secret) follow the same rules.
 * @public
 */
export const APP_PROFILE_ANNOTATION = 'haven.plus/app-profile';

/** The OTLP protocols a cluster's Alloy receives (haven.gitops otlpProtocol). @public */
export type OtlpProtocol = 'grpc' | 'http/protobuf';

/** One container environment variable a profile sets, and why. @public */
export interface ProfileEnvVar {
  /** The variable's name. */
  name: string;
  /** The value, with `${...}` templates (see the top of appProfiles.ts). */
  value: string;
  /** Where the fact comes from. */
  source: string;
}

/** One chart value a profile sets, and why. @public */
export interface ProfileValue {
  /** Dotted chart values path. */
  path: string;
  /** The value set there. */
  value: unknown;
  /** Where the fact comes from. */
  source: string;
}

/** A secret the chart reads through its own existing-Secret values. @public */
export interface ProfileSecretValues {
  /** The Secret key / environment variable name, e.g. OPENAI_API_KEY. */
  key: string;
  /** Values to set instead of an environment variable (`${secretName}`, `${secretKey}`). */
  values: ProfileValue[];
}

/** Everything Haven+ knows about running one kind of app. @public */
export interface AppProfile {
  /** The profile's id, the `profile` input of haven:gitops:render. */
  id: string;
  /** The name the form shows. */
  title: string;
  /** The chart the form offers (repository, name, current line). */
  chart?: { repositoryUrl: string; name: string; version: string };
  /** Chart value holding a list of EnvVar. */
  envValuesPath: string;
  /** Chart value holding the pod template's extra labels. */
  podLabelsPath?: string;
  /** Values the profile always sets. */
  values: ProfileValue[];
  /** Secrets the chart takes through its own values rather than env. */
  secretValues: ProfileSecretValues[];
  /**
   * Environment variables the chart renders itself: a secret or variable
   * of ours with one of these names would be a second entry.
   */
  chartEnv: string[];
  /** OTLP settings, common and per protocol. */
  telemetry: {
    env: ProfileEnvVar[];
    protocols: Record<OtlpProtocol, ProfileEnvVar[]>;
  };
  /** The app's HTTP request count (for the entity page's "Request rate" link). */
  requestMetric: OtelMetric;
  /** The secrets the form proposes. */
  suggestedSecrets: Array<{ name: string; key: string; generated: boolean }>;
}

const OWUI_APP = 'open-webui/open-webui backend/open_webui';
const OWUI_CHART =
  'open-webui/helm-charts charts/open-webui @ open-webui-16.0.0 (a6305e7)';

/**
 * Open WebUI (chart open-webui 16.x from https://helm.openwebui.com): the
 * app exports nothing until its own switches are on, picks its exporter
 * with its own variable, and the chart reads the OpenAI key from an
 * existing Secret only with Pipelines off.
 * @public
 */
export const OPEN_WEBUI_PROFILE: AppProfile = {
  id: 'open-webui',
  title: 'Open WebUI',
  chart: {
    repositoryUrl: 'https://helm.openwebui.com',
    name: 'open-webui',
    // Chart.yaml version 16.0.0 (appVersion 0.11.0), the newest release;
    // the index also lists 16.0.1-dev.* builds, which a range leaves out.
    version: '16.x',
  },
  envValuesPath: 'extraEnvVars',
  podLabelsPath: 'podLabels',
  values: [
    {
      path: 'ollama.enabled',
      value: false,
      source: `${OWUI_CHART} values.yaml 17 (default true): the Ollama subchart would run a model server in every release; Haven+ apps talk to an OpenAI-compatible API`,
    },
    {
      path: 'pipelines.enabled',
      value: false,
      source: `${OWUI_CHART} templates/workload-manager.yaml 156-185: with Pipelines on (the default) the chart sends OPENAI_API_BASE_URLS through the Pipelines server and ignores openaiApiKeyExistingSecret`,
    },
    {
      path: 'openaiApiKey',
      value: '',
      source: `${OWUI_CHART} values.yaml 541 and workload-manager.yaml 160: the default "0p3n-w3bu!" placeholder is rendered as OPENAI_API_KEY unless emptied`,
    },
  ],
  secretValues: [
    {
      key: 'OPENAI_API_KEY',
      values: [
        {
          path: 'openaiApiKeyExistingSecret',
          value: '${secretName}',
          source: `${OWUI_CHART} values.yaml 544, workload-manager.yaml 161-166: OPENAI_API_KEY from secretKeyRef (chart 13.3.0 and later)`,
        },
        {
          path: 'openaiApiKeyExistingSecretKey',
          value: '${secretKey}',
          source: `${OWUI_CHART} values.yaml 547: no default key name, so always set`,
        },
      ],
    },
  ],
  // workload-manager.yaml: OPENAI_API_BASE_URL(S), OPENAI_API_KEY(S),
  // ENABLE_OPENAI_API, ENABLE_OLLAMA_API / OLLAMA_BASE_URLS,
  // ENABLE_WEBSOCKET_SUPPORT, WEBSOCKET_MANAGER, WEBSOCKET_REDIS_URL,
  // REDIS_URL, WEBUI_URL (lines 144-327), DATABASE_URL (databaseUrl).
  chartEnv: [
    'OPENAI_API_BASE_URL',
    'OPENAI_API_BASE_URLS',
    'OPENAI_API_KEY',
    'OPENAI_API_KEYS',
    'ENABLE_OPENAI_API',
    'ENABLE_OLLAMA_API',
    'OLLAMA_BASE_URL',
    'OLLAMA_BASE_URLS',
    'ENABLE_WEBSOCKET_SUPPORT',
    'WEBSOCKET_MANAGER',
    'WEBSOCKET_REDIS_URL',
    'REDIS_URL',
    'DATABASE_URL',
  ],
  telemetry: {
    env: [
      {
        name: 'ENABLE_OTEL',
        value: 'true',
        source: `${OWUI_APP}/env.py ENABLE_OTEL (default False; only "true" counts); main.py sets up telemetry only with it`,
      },
      {
        name: 'ENABLE_OTEL_TRACES',
        value: 'true',
        source: `${OWUI_APP}/env.py ENABLE_OTEL_TRACES, utils/telemetry/setup.py`,
      },
      {
        name: 'ENABLE_OTEL_METRICS',
        value: 'true',
        source: `${OWUI_APP}/env.py ENABLE_OTEL_METRICS, utils/telemetry/setup.py`,
      },
      {
        name: 'ENABLE_OTEL_LOGS',
        value: 'true',
        source: `${OWUI_APP}/env.py ENABLE_OTEL_LOGS, utils/logger.py`,
      },
      {
        name: 'OTEL_SERVICE_NAME',
        value: '${serviceName}',
        source: `${OWUI_APP}/env.py OTEL_SERVICE_NAME (default "open-webui"); setup.py Resource.create`,
      },
      {
        name: 'OTEL_RESOURCE_ATTRIBUTES',
        value: '${resourceAttributes}',
        source:
          "opentelemetry-python sdk/resources Resource.create merges OTELResourceDetector (OTEL_RESOURCE_ATTRIBUTES) under the app's service.name",
      },
    ],
    protocols: {
      grpc: [
        {
          name: 'OTEL_OTLP_SPAN_EXPORTER',
          value: 'grpc',
          source: `${OWUI_APP}/env.py OTEL_OTLP_SPAN_EXPORTER ("grpc" or "http"; metrics and logs inherit it)`,
        },
        {
          name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
          value: '${endpoint}',
          source: `${OWUI_APP}/env.py (default http://localhost:4317; metrics and logs endpoints inherit it)`,
        },
        {
          name: 'OTEL_EXPORTER_OTLP_INSECURE',
          value: '${insecure}',
          source: `${OWUI_APP}/utils/telemetry/setup.py passes insecure= always, so the gRPC exporter ignores the http:// scheme (opentelemetry-python otlp grpc exporter.py) and would use TLS`,
        },
      ],
      'http/protobuf': [
        {
          name: 'OTEL_OTLP_SPAN_EXPORTER',
          value: 'http',
          source: `${OWUI_APP}/env.py OTEL_OTLP_SPAN_EXPORTER: only "http" picks the HTTP exporter ("http/protobuf" falls back to gRPC)`,
        },
        {
          name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
          value: '${endpoint}/v1/traces',
          source: `${OWUI_APP}/utils/telemetry/setup.py: endpoint= is passed as is; the HTTP exporter appends /v1/traces only to its own env fallback`,
        },
        {
          name: 'OTEL_METRICS_EXPORTER_OTLP_ENDPOINT',
          value: '${endpoint}/v1/metrics',
          source: `${OWUI_APP}/utils/telemetry/metrics.py OTLPHttpMetricExporter(endpoint=...)`,
        },
        {
          name: 'OTEL_LOGS_EXPORTER_OTLP_ENDPOINT',
          value: '${endpoint}/v1/logs',
          source: `${OWUI_APP}/utils/telemetry/logs.py`,
        },
      ],
    },
  },
  // utils/telemetry/metrics.py: meter.create_counter("http.server.requests",
  // unit "1") with http.method, http.route, http.status_code.
  requestMetric: { name: 'http.server.requests', type: 'counter', unit: '1' },
  suggestedSecrets: [
    { name: 'webui-secret-key', key: 'WEBUI_SECRET_KEY', generated: true },
    { name: 'openai-api-key', key: 'OPENAI_API_KEY', generated: false },
  ],
};

/**
 * Any app instrumented with an OpenTelemetry SDK that reads the standard
 * `OTEL_*` variables (opentelemetry.io/docs/specs/otel/configuration/
 * sdk-environment-variables and protocol/exporter), from a chart with an
 * EnvVar list and pod labels (as `helm create` charts have: podLabels).
 * @public
 */
export const OTEL_SDK_PROFILE: AppProfile = {
  id: 'otel-sdk',
  title: 'Generic OpenTelemetry SDK app',
  envValuesPath: 'extraEnvVars',
  podLabelsPath: 'podLabels',
  values: [],
  secretValues: [],
  chartEnv: [],
  telemetry: {
    env: [
      {
        name: 'OTEL_SERVICE_NAME',
        value: '${serviceName}',
        source: 'OTel SDK environment variables: OTEL_SERVICE_NAME',
      },
      {
        name: 'OTEL_RESOURCE_ATTRIBUTES',
        value: '${resourceAttributes}',
        source: 'OTel SDK environment variables: OTEL_RESOURCE_ATTRIBUTES',
      },
    ],
    protocols: {
      grpc: [
        {
          name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
          value: '${endpoint}',
          source: 'OTLP exporter spec: for gRPC, the endpoint as given',
        },
        {
          name: 'OTEL_EXPORTER_OTLP_PROTOCOL',
          value: 'grpc',
          source: 'OTLP exporter spec: OTEL_EXPORTER_OTLP_PROTOCOL',
        },
      ],
      'http/protobuf': [
        {
          name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
          value: '${endpoint}',
          source:
            'OTLP exporter spec: for HTTP the SDK appends /v1/traces, /v1/metrics, /v1/logs to this base',
        },
        {
          name: 'OTEL_EXPORTER_OTLP_PROTOCOL',
          value: 'http/protobuf',
          source: 'OTLP exporter spec: OTEL_EXPORTER_OTLP_PROTOCOL',
        },
      ],
    },
  },
  // Semantic conventions, HTTP metrics (stable): http.server.request.duration, unit s.
  requestMetric: {
    name: 'http.server.request.duration',
    type: 'histogram',
    unit: 's',
  },
  suggestedSecrets: [],
};

/** Every profile, by id. @public */
export const APP_PROFILES: Readonly<Record<string, AppProfile>> = {
  [OPEN_WEBUI_PROFILE.id]: OPEN_WEBUI_PROFILE,
  [OTEL_SDK_PROFILE.id]: OTEL_SDK_PROFILE,
};

/** Replaces each ${name} in a profile template; an unknown name is a bug of the profile. */
export function expandProfileTemplate(
  template: string,
  vars: Record<string, string>,
): string {
  return template.replace(/\$\{([A-Za-z]+)\}/g, (_m, name: string) => {
    const value = vars[name];
    if (value === undefined) {
      throw new Error(`profile template names unknown \${${name}}`);
    }
    return value;
  });
}
