#!/usr/bin/env node
/**
 * node scripts/adopt/check-http.mjs <backend base URL>
 *
 * What the created app's backend answers once Haven+ is installed as
 * docs/install.md says, over HTTP, with a guest user's token:
 *   - the catalog holds the example component and the six templates;
 *   - `GET /api/scaffolder/v2/actions` lists the twelve haven: actions, each
 *     with an input schema and at least one example;
 *   - the haven backend's telemetry route answers 401 without a token, 404
 *     for an unknown entity, and the example's Vault, Loki and Tempo data
 *     (from the doubles) with one;
 *   - the Kubernetes backend finds the example's Flux objects in the
 *     cluster double (what the Delivery card asks it for);
 *   - the backend serves the built frontend.
 * Prints one `ok` or `FAILED` line per check; exits non-zero on a failure.
 */
const base = (process.argv[2] ?? '').replace(/\/$/, '');
if (!base) {
  console.error('usage: check-http.mjs <backend base URL>');
  process.exit(2);
}

const EXAMPLE = {
  kind: 'component',
  namespace: 'default',
  name: 'open-webui-voorbeeld',
};
const ACTIONS = [
  'haven:vault:provision',
  'haven:gitops:render',
  'haven:gitops:register',
  'haven:gitops:add-secret',
  'haven:observability:render',
  'haven:gitlab:merge-request',
  'haven:vault:rotate',
  'haven:delivery:sync',
  'haven:gitops:decommission',
  'haven:gitops:await-merge',
  'haven:vault:decommission',
  'haven:catalog:unregister',
];
const TEMPLATES = [
  'haven-service',
  'haven-add-secret',
  'haven-rotate-secret',
  'haven-decommission',
  'haven-vault-provision',
  'haven-observability-stack',
];

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    const detail = await fn();
    passed += 1;
    console.log(`  ok      ${name}${detail ? `: ${detail}` : ''}`);
  } catch (error) {
    failed += 1;
    console.log(
      `  FAILED  ${name}: ${error instanceof Error ? error.message : error}`,
    );
  }
}
function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function request(path, { token, method = 'GET', body } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
      'x-requested-with': 'XMLHttpRequest',
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}
const short = r => `HTTP ${r.status} ${r.text.slice(0, 300)}`;

async function eventually(what, fn, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what} (waited ${timeoutMs / 1000} s): ${
          last instanceof Error ? last.message : last
        }`,
      );
    }
    await new Promise(r => setTimeout(r, 2000));
  }
}

let token;
await check(
  'guest sign-in gives a Backstage token (GET /api/auth/guest/refresh)',
  async () => {
    let r = await request('/api/auth/guest/refresh');
    if (r.status === 404 || r.status === 405) {
      r = await request('/api/auth/guest/refresh', { method: 'POST' });
    }
    token = r.json?.backstageIdentity?.token;
    expect(r.status === 200 && token, short(r));
    return r.json.backstageIdentity.identity?.userEntityRef;
  },
);

await check(
  `catalog has ${EXAMPLE.kind}:${EXAMPLE.namespace}/${EXAMPLE.name} (examples/haven-entities.yaml)`,
  () =>
    eventually('the example component did not appear', async () => {
      const r = await request(
        `/api/catalog/entities/by-name/${EXAMPLE.kind}/${EXAMPLE.namespace}/${EXAMPLE.name}`,
        { token },
      );
      expect(r.status === 200, short(r));
      const annotations = Object.keys(r.json.metadata.annotations ?? {});
      return `${
        annotations.filter(a => /haven\.plus|vault\.io|kubernetes-id/.test(a))
          .length
      } Haven+ annotations`;
    }),
);

await check(
  'catalog has the four Haven+ templates (haven-templates/locations.yaml)',
  () =>
    eventually('templates missing', async () => {
      const r = await request('/api/catalog/entities?filter=kind=template', {
        token,
      });
      expect(r.status === 200, short(r));
      const names = r.json.map(e => e.metadata.name);
      const missing = TEMPLATES.filter(t => !names.includes(t));
      expect(
        missing.length === 0,
        `missing ${missing.join(', ')}; found ${names.join(', ')}`,
      );
      return TEMPLATES.join(', ');
    }),
);

await check(
  'GET /api/scaffolder/v2/actions without a token is refused',
  async () => {
    const r = await request('/api/scaffolder/v2/actions');
    expect(r.status === 401, short(r));
    return 'HTTP 401';
  },
);

let actions = [];
await check('GET /api/scaffolder/v2/actions lists the actions', async () => {
  const r = await request('/api/scaffolder/v2/actions', { token });
  expect(r.status === 200 && Array.isArray(r.json), short(r));
  actions = r.json;
  return `${actions.length} actions`;
});
for (const id of ACTIONS) {
  await check(
    `action ${id}: listed with schema.input and examples`,
    async () => {
      const action = actions.find(a => a.id === id);
      expect(
        action,
        `not listed (haven: actions listed: ${
          actions
            .map(a => a.id)
            .filter(i => i.startsWith('haven:'))
            .join(', ') || 'none'
        })`,
      );
      const input = action.schema?.input;
      expect(input && typeof input === 'object', 'no schema.input');
      const properties = Object.keys(input.properties ?? {});
      expect(
        properties.length > 0,
        `schema.input has no properties: ${JSON.stringify(input).slice(
          0,
          200,
        )}`,
      );
      expect(
        Array.isArray(action.examples) && action.examples.length > 0,
        'no examples',
      );
      for (const [i, example] of action.examples.entries()) {
        expect(
          example.description && example.example,
          `example ${i} lacks description or example text`,
        );
      }
      return `${properties.length} input properties, ${action.examples.length} example(s)`;
    },
  );
}

const telemetryPath = name =>
  `/api/haven/entities/${EXAMPLE.kind}/${EXAMPLE.namespace}/${name}/telemetry?window=1h`;

await check(
  'GET /api/haven/entities/.../telemetry without a token: 401',
  async () => {
    const r = await request(telemetryPath(EXAMPLE.name));
    expect(r.status === 401, short(r));
    return 'HTTP 401';
  },
);
await check(
  'GET /api/haven/entities/.../telemetry for an unknown entity: 404',
  async () => {
    const r = await request(telemetryPath('no-such-component'), { token });
    expect(r.status === 404, short(r));
    return 'HTTP 404';
  },
);
await check(
  'GET /api/haven/entities/.../telemetry with a token: Vault, Loki and Tempo data',
  async () => {
    const r = await request(telemetryPath(EXAMPLE.name), { token });
    expect(r.status === 200, short(r));
    const { vault, logs, traces } = r.json;
    const problems = [];
    if (vault?.status !== 'ok' || vault.secrets.length === 0)
      problems.push(`vault: ${JSON.stringify(vault)}`);
    if (logs?.status !== 'ok' || !(logs.total > 0))
      problems.push(`logs: ${JSON.stringify(logs)}`);
    if (traces?.status !== 'ok' || traces.traces.length === 0)
      problems.push(`traces: ${JSON.stringify(traces)}`);
    expect(problems.length === 0, problems.join('; ').slice(0, 600));
    return `${vault.secrets.length} Vault secret(s), ${logs.total} log lines (${logs.errors} errors), ${traces.traces.length} traces`;
  },
);

await check(
  "Kubernetes backend finds the example's HelmRelease in the cluster double",
  async () => {
    const r = await request('/api/kubernetes/resources/custom/query', {
      token,
      method: 'POST',
      body: {
        entityRef: `${EXAMPLE.kind}:${EXAMPLE.namespace}/${EXAMPLE.name}`,
        customResources: [
          {
            group: 'helm.toolkit.fluxcd.io',
            apiVersion: 'v2',
            plural: 'helmreleases',
          },
        ],
      },
    });
    expect(r.status === 200, short(r));
    const found = (r.json.items ?? []).flatMap(cluster =>
      (cluster.resources ?? []).flatMap(group =>
        (group.resources ?? []).map(
          o => `${cluster.cluster?.name}/${o.metadata?.name}`,
        ),
      ),
    );
    const errors = (r.json.items ?? []).flatMap(
      cluster => cluster.errors ?? [],
    );
    expect(
      found.length > 0,
      `no HelmRelease; errors: ${JSON.stringify(errors).slice(0, 300)}`,
    );
    return found.join(', ');
  },
);

await check('the backend serves the built frontend', async () => {
  const r = await request('/catalog');
  expect(r.status === 200 && /<div id="root"/.test(r.text), short(r));
  return 'HTTP 200, index.html';
});

console.log(`http: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
