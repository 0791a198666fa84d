import { parse } from 'yaml';
import {
  unknownValueKeys,
  type ChartReference,
} from '@haven-plus/plugin-haven-node';
import { loadChartReference } from './chartReference';
import type { ReferenceChart } from '../reference/extract';
import { expectKnownValues } from './expectKnownValues';
import { validateLokiValues } from './validateLokiValues';

function load(chart: string): ChartReference {
  const reference = loadChartReference(chart);
  if (!reference.found) throw new Error(reference.reason);
  return reference;
}

const paths = (values: unknown, chart: string) =>
  unknownValueKeys(values, load(chart)).map(u => u.path);

/** Small, correct values per chart; every key checked against values.yaml. */
const CORRECT: Record<string, Record<string, unknown>> = {
  loki: {
    deploymentMode: 'Monolithic', // 'SingleBinary' is its deprecated alias
    loki: {
      auth_enabled: false,
      commonConfig: { replication_factor: 1 },
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
        bucketNames: { chunks: 'loki-chunks', ruler: 'loki-ruler' },
        s3: {
          endpoint: 's3.nl-ams.scw.cloud',
          region: 'nl-ams',
          accessKeyId: '${S3_ACCESS_KEY_ID}',
          secretAccessKey: '${S3_SECRET_ACCESS_KEY}',
          s3ForcePathStyle: true,
        },
      },
      limits_config: { retention_period: '744h' },
      compactor: { retention_enabled: true, delete_request_store: 's3' },
    },
    defaults: {
      extraArgs: ['-config.expand-env=true'],
      extraEnvFrom: [{ secretRef: { name: 'loki-s3-credentials' } }],
    },
    singleBinary: { replicas: 1 },
  },
  tempo: {
    tempo: {
      storage: {
        trace: { backend: 's3', s3: { bucket: 'tempo-traces', endpoint: 'y' } },
      },
      retention: '336h',
      receivers: {
        otlp: {
          protocols: {
            grpc: { endpoint: '0.0.0.0:4317' },
            http: { endpoint: '0.0.0.0:4318' },
          },
        },
      },
      extraArgs: { 'config.expand-env': 'true' },
      extraEnvFrom: [{ secretRef: { name: 'tempo-s3-credentials' } }],
    },
    persistence: { enabled: true, size: '10Gi' },
  },
  'tempo-distributed': {
    storage: {
      trace: { backend: 's3', s3: { bucket: 'tempo', endpoint: 'y' } },
    },
    traces: { otlp: { grpc: { enabled: true }, http: { enabled: true } } },
  },
  grafana: {
    admin: {
      existingSecret: 'grafana-admin',
      userKey: 'admin-user',
      passwordKey: 'admin-password',
    },
    datasources: {
      'datasources.yaml': {
        apiVersion: 1,
        datasources: [
          { name: 'Loki', type: 'loki', uid: 'loki', url: 'http://loki:3100' },
          {
            name: 'Tempo',
            type: 'tempo',
            uid: 'tempo',
            url: 'http://tempo:3200',
          },
        ],
      },
    },
    'grafana.ini': { server: { root_url: 'https://grafana.example.nl' } },
    persistence: { enabled: true, size: '1Gi' },
  },
  alloy: {
    alloy: {
      configMap: { create: true, content: 'logging { level = "info" }' },
      extraPorts: [
        { name: 'otlp-grpc', port: 4317, targetPort: 4317, protocol: 'TCP' },
      ],
    },
    controller: { type: 'deployment', replicas: 1 },
  },
};

describe('Helm values against the real charts', () => {
  it.each([
    ['grafana', '12.11.1', '13.2.0'],
    ['loki', '18.11.0', '3.7.6'],
    ['tempo', '2.2.4', '2.10.8'],
    ['tempo-distributed', '3.3.0', '3.0.3'],
    ['alloy', '1.11.1', 'v1.18.1'],
  ])('loads %s %s (app %s) from Chart.yaml', (chart, version, appVersion) => {
    const reference = load(chart);
    expect(reference).toMatchObject({ chart, version, appVersion });
    expect(Object.keys(reference.defaults).length).toBeGreaterThan(10);
    expect(reference.commentedKeys.length).toBeGreaterThan(0);
    expect(reference.schema !== undefined).toBe(chart === 'loki');
  });

  it.each(Object.keys(CORRECT))('accepts correct values for %s', chart => {
    expect(unknownValueKeys(CORRECT[chart], load(chart))).toEqual([]);
    expect(expectKnownValues(chart, CORRECT[chart])).toEqual({
      checked: true,
      chart,
      version: load(chart).version,
    });
  });

  it("reports the seed research note's Loki storage keys the chart does not know", () => {
    // /work/shared/seed-research.md, "Dutch Storage for Loki", as written there.
    const seed = parse(`
loki:
  storage:
    type: s3
    s3:
      endpoint: s3.nl-ams.scw.cloud  # Scaleway Amsterdam
      region: nl-ams
      bucketnames: loki-logs-nl
      access_key_id: \${S3_ACCESS_KEY}
      secret_access_key: \${S3_SECRET_KEY}
`);
    expect(unknownValueKeys(seed, load('loki'))).toEqual([
      {
        path: 'loki.storage.s3.bucketnames',
        reason: expect.stringContaining(
          'did you mean loki.storage.bucketNames?',
        ),
      },
      {
        path: 'loki.storage.s3.access_key_id',
        reason: expect.stringContaining(
          'did you mean loki.storage.s3.accessKeyId?',
        ),
      },
      {
        path: 'loki.storage.s3.secret_access_key',
        reason: expect.stringContaining(
          'did you mean loki.storage.s3.secretAccessKey?',
        ),
      },
    ]);
    expect(() => expectKnownValues('loki', seed)).toThrow(
      /3 problem\(s\) in the values for loki 18\.11\.0:\n {2}- loki\.storage\.s3\.bucketnames: unknown key/,
    );
  });

  it('knows only the bucket names values.yaml documents (no bucketNames.admin)', () => {
    expect(
      paths(
        {
          deploymentMode: 'SingleBinary',
          loki: {
            storage: { bucketNames: { chunks: 'x', ruler: 'y', admin: 'z' } },
          },
        },
        'loki',
      ),
    ).toEqual(['loki.storage.bucketNames.admin']);
  });

  it("flags the outdated key in the chart's own monolithic-values.yaml", () => {
    const values = (load('loki') as ReferenceChart).examples?.[
      'monolithic-values.yaml'
    ];
    expect(values).toBeDefined();
    expect(paths(values, 'loki')).toEqual(['bloomCompactor']);
    expect(
      validateLokiValues(values, load('loki').schema!, {
        defaults: load('loki').defaults,
      }),
    ).toEqual([]);
  });

  it('reports a typo deep in a path with its full path', () => {
    expect(
      unknownValueKeys(
        { loki: { storage: { s3: { s3ForcePathStlye: true } } } },
        load('loki'),
      ),
    ).toEqual([
      {
        path: 'loki.storage.s3.s3ForcePathStlye',
        reason: expect.stringMatching(
          /^unknown key: loki 18\.11\.0 has no "s3ForcePathStlye" at loki\.storage\.s3 .*did you mean loki\.storage\.s3\.s3ForcePathStyle\?$/,
        ),
      },
    ]);
    expect(
      paths(
        {
          datasources: {
            'datasources.yaml': { apiVersion: 1 }, // free-form below {}
          },
          sidecar: { datasources: { enabled: true, lable: 'x' } },
        },
        'grafana',
      ),
    ).toEqual(['sidecar.datasources.lable']);
    expect(
      paths({ rbac: { rules: [{ apiGroups: [''], verb: ['get'] }] } }, 'alloy'),
    ).toEqual(['rbac.rules[0].verb']);
  });

  it('reports a map where a scalar belongs, and a scalar where a map belongs', () => {
    expect(
      unknownValueKeys(
        { loki: { auth_enabled: { enabled: false }, storage: 's3' } },
        load('loki'),
      ),
    ).toEqual([
      {
        path: 'loki.auth_enabled',
        reason:
          'type mismatch: values.yaml has the boolean true here, the values give a map (keys: enabled)',
      },
      {
        path: 'loki.storage',
        reason: expect.stringMatching(
          /^type mismatch: values\.yaml has a map \(keys: type, s3, .*\) here, the values give the string "s3"$/,
        ),
      },
    ]);
    expect(paths({ env: [{ name: 'A', value: 'b' }] }, 'grafana')).toEqual([
      'env',
    ]);
  });

  it('accepts any key in free-form maps', () => {
    const annotations = { 'prometheus.io/scrape': 'true', anything: 'x' };
    // Loki: default {}; Grafana: documented only as `# podAnnotations: {}`.
    expect(
      paths({ singleBinary: { podAnnotations: annotations } }, 'loki'),
    ).toEqual([]);
    expect(paths({ podAnnotations: annotations }, 'grafana')).toEqual([]);
    // Maps the chart copies verbatim into the application's config.
    expect(
      paths({ loki: { limits_config: { retention_period: '744h' } } }, 'loki'),
    ).toEqual([]);
    expect(
      paths(
        { 'grafana.ini': { security: { disable_gravatar: true } } },
        'grafana',
      ),
    ).toEqual([]);
  });

  it('catches a wrong type with the Loki schema', () => {
    const loki = load('loki');
    const values = { singleBinary: { replicas: 'two' } };
    expect(paths(values, 'loki')).toEqual([]); // keys fine: only ajv sees it
    expect(
      validateLokiValues(values, loki.schema!, { defaults: loki.defaults }),
    ).toEqual([
      {
        path: 'singleBinary.replicas',
        message: 'must be integer or null, got the string "two"',
      },
    ]);
    expect(() => expectKnownValues('loki', values)).toThrow(
      'singleBinary.replicas: values.schema.json: must be integer or null',
    );
  });

  it('documents commented-out keys, and not prose', () => {
    const keysOf = (chart: string) =>
      load(chart).commentedKeys.map(k => k.path);
    expect(keysOf('loki')).toEqual(
      expect.arrayContaining([
        'loki.storage.bucketNames',
        'loki.storage.bucketNames.chunks',
        'loki.storage.bucketNames.ruler',
      ]),
    );
    expect(keysOf('grafana')).toEqual(
      expect.arrayContaining(['adminPassword', 'podAnnotations']),
    );
    expect(keysOf('tempo')).toEqual(
      expect.arrayContaining([
        'tempo.storage.trace.s3.bucket',
        'tempo.storage.trace.s3.access_key',
      ]),
    );
    for (const chart of Object.keys(CORRECT)) {
      expect(
        keysOf(chart).filter(k => /^(Note|Ref|Examples?)\b/.test(k)),
      ).toEqual([]);
    }
  });
});

describe('a chart without reference values', () => {
  it('says so plainly for mimir-distributed', () => {
    const result = loadChartReference('mimir-distributed');
    expect(result).toMatchObject({
      found: false,
      chart: 'mimir-distributed',
      reason: expect.stringMatching(
        /^no reference values for mimir-distributed: /,
      ),
    });
    expect(() => expectKnownValues('mimir-distributed', {})).toThrow(
      /^no reference values for mimir-distributed: .*allowMissingReference/,
    );
    const skipped = expectKnownValues(
      'mimir-distributed',
      { mimir: { structuredConfig: {} } },
      { allowMissingReference: true },
    );
    expect(skipped).toEqual({
      checked: false,
      skipped: expect.stringMatching(
        /^no reference values for mimir-distributed/,
      ),
    });
  });
});
