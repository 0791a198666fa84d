import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  createVaultDouble,
  realSystemFromEnv,
  setupDoubleServer,
  type VaultDouble,
} from '@haven-plus/haven-doubles';
import {
  havenConfig,
  OPEN_WEBUI_PROVISION_INPUT as input,
  readmeVaultSetup,
  runAction,
  templatedPolicy,
  visibleOf as visible,
  type Run,
} from './__testUtils__/harness';

const VAULT = 'https://vault.double.test';
const ROOT = 'root-token-for-tests';
const BACKSTAGE_TOKEN = 'backstage-token-7c1e9a4d';
const SUPPLIED = 'sup3r-s3cret-supplied-value-41f9';
const ACCESSOR = 'auth_kubernetes_0a1b2c3d';

const real = realSystemFromEnv({
  urlVar: 'HAVEN_TEST_VAULT_ADDR',
  tokenVar: 'HAVEN_TEST_VAULT_TOKEN',
  suite: 'haven:vault:provision against a real Vault/OpenBao',
  hint: 'a token that may enable mounts, e.g. a dev server root token',
});
const server = setupDoubleServer(real);

function startVault(opts: {
  perApp: boolean;
  existingSecret?: boolean;
  withTemplated?: boolean;
}): VaultDouble {
  const double = createVaultDouble({
    baseUrl: VAULT,
    ...readmeVaultSetup({
      rootToken: ROOT,
      backstageToken: BACKSTAGE_TOKEN,
      accessor: ACCESSOR,
      perApp: opts.perApp,
      withTemplated: opts.withTemplated,
      kvSecrets: opts.existingSecret
        ? [
            {
              mount: 'kv-apps',
              path: 'apps/voorbeeld/open-webui/openai-api-key',
              data: { value: 'kept-value' },
            },
          ]
        : [],
    }),
  });
  server.use(...double.handlers);
  return double;
}

const secrets = { openaiApiKey: SUPPLIED };
const config = (perApp: boolean) =>
  havenConfig({ address: VAULT, token: BACKSTAGE_TOKEN, perApp });
const writes = (double: VaultDouble) => double.state.writeCount;
const planOf = (run: Run) =>
  (
    run.outputs.plan as Array<{ kind: string; name: string; action: string }>
  ).map(i => `${i.kind} ${i.name}: ${i.action}`);

describe('haven:vault:provision, per-app policy mode', () => {
  it('creates exactly the planned objects, then a re-run writes nothing', async () => {
    const double = startVault({ perApp: true });
    const dry = await runAction(config(true), input, { secrets, dryRun: true });
    expect(dry.error).toBeUndefined();
    expect(writes(double)).toBe(0);

    const first = await runAction(config(true), input, { secrets });
    expect(first.error).toBeUndefined();
    expect(planOf(first)).toEqual([
      'policy haven-app-voorbeeld.open-webui: create',
      'role haven-voorbeeld.open-webui: create',
      'secret apps/voorbeeld/open-webui/webui-secret-key: create',
      'secret apps/voorbeeld/open-webui/openai-api-key: create',
    ]);
    // The dry run planned exactly what the real run did.
    expect(planOf(dry)).toEqual(planOf(first));
    expect(writes(double)).toBe(4);

    const again = await runAction(config(true), input, { secrets });
    expect(again.error).toBeUndefined();
    expect(writes(double)).toBe(4);
    expect(planOf(again)).toEqual([
      'policy haven-app-voorbeeld.open-webui: unchanged',
      'role haven-voorbeeld.open-webui: unchanged',
      'secret apps/voorbeeld/open-webui/webui-secret-key: exists',
      'secret apps/voorbeeld/open-webui/openai-api-key: exists',
    ]);
    expect(first.outputs).toMatchObject({
      policyName: 'haven-app-voorbeeld.open-webui',
      roleName: 'haven-voorbeeld.open-webui',
      kvMount: 'kv-apps',
      kvPath: 'apps/voorbeeld/open-webui',
      vaultUrl: `${VAULT}/ui/vault/secrets/kv-apps/kv/list/apps/voorbeeld/open-webui/`,
    });
  });

  it('gives Vault a JSON policy with read on exactly the app path', async () => {
    const double = startVault({ perApp: true });
    await runAction(config(true), input, { secrets });
    const text = double.state.policy('haven-app-voorbeeld.open-webui')!;
    expect(JSON.parse(text)).toEqual({
      path: {
        'kv-apps/data/apps/voorbeeld/open-webui/*': { capabilities: ['read'] },
        'kv-apps/metadata/apps/voorbeeld/open-webui/*': {
          capabilities: ['read', 'list'],
        },
      },
    });
    expect(
      double.state.kubernetesRole('haven-voorbeeld.open-webui', {
        mount: 'kubernetes',
      }),
    ).toMatchObject({
      boundServiceAccountNames: ['open-webui'],
      boundServiceAccountNamespaces: ['voorbeeld'],
      audience: 'vault',
      tokenPolicies: ['haven-app-voorbeeld.open-webui'],
    });
  });

  it('restores a policy someone changed, and only that', async () => {
    const double = startVault({ perApp: true });
    await runAction(config(true), input, { secrets });
    const res = await fetch(
      `${VAULT}/v1/sys/policies/acl/haven-app-voorbeeld.open-webui`,
      {
        method: 'PUT',
        headers: { 'x-vault-token': ROOT },
        body: JSON.stringify({
          policy: 'path "kv-apps/data/*" { capabilities = ["read"] }',
        }),
      },
    );
    expect(res.status).toBe(204);
    const before = writes(double);

    const run = await runAction(config(true), input, { secrets });
    expect(run.error).toBeUndefined();
    expect(planOf(run)[0]).toBe(
      'policy haven-app-voorbeeld.open-webui: update',
    );
    expect(writes(double)).toBe(before + 1);
    expect(
      JSON.parse(double.state.policy('haven-app-voorbeeld.open-webui')!).path,
    ).toHaveProperty(['kv-apps/data/apps/voorbeeld/open-webui/*']);
  });

  it('leaves an existing secret with its value and version', async () => {
    const double = startVault({ perApp: true, existingSecret: true });
    const run = await runAction(config(true), input, { secrets });
    expect(run.error).toBeUndefined();
    expect(planOf(run)).toContain(
      'secret apps/voorbeeld/open-webui/openai-api-key: exists',
    );
    const key = double.state.kvKey(
      'kv-apps',
      'apps/voorbeeld/open-webui/openai-api-key',
    )!;
    expect(key.currentVersion).toBe(1);
    expect(key.versions.map(v => v.data)).toEqual([{ value: 'kept-value' }]);
    expect(run.logs.join('\n')).toContain('exists, version 1, left alone');
  });
});

describe('haven:vault:provision, templated policy mode', () => {
  it('writes no policy and binds the role to the shared policy', async () => {
    const double = startVault({ perApp: false });
    const run = await runAction(config(false), input, { secrets });
    expect(run.error).toBeUndefined();
    expect(planOf(run)).toEqual([
      'role haven-voorbeeld.open-webui: create',
      'secret apps/voorbeeld/open-webui/webui-secret-key: create',
      'secret apps/voorbeeld/open-webui/openai-api-key: create',
    ]);
    expect(
      double.requests.filter(
        r => r.path.startsWith('/v1/sys/policies') && r.method !== 'GET',
      ),
    ).toEqual([]);
    expect(double.state.policyNames().sort()).toEqual([
      'backstage-provisioner',
      'default',
      'haven-apps',
    ]);
    expect(
      double.state.kubernetesRole('haven-voorbeeld.open-webui', {
        mount: 'kubernetes',
      })?.tokenPolicies,
    ).toEqual(['haven-apps']);
    expect(run.outputs.policyName).toBe('haven-apps');
  });

  it("cannot manage policies with the templated-mode token, as README's Backstage policy intends", async () => {
    const double = startVault({ perApp: false });
    const run = await runAction(config(true), input, { secrets });
    expect(run.error?.name).toBe('NotAllowedError');
    expect(run.error?.message).toContain(
      'Vault GET sys/policies/acl/haven-app-voorbeeld.open-webui answered 403: permission denied',
    );
    // Refused while planning: nothing was written.
    expect(double.state.writeCount).toBe(0);
  });

  it('stops before writing when the shared policy is missing, saying who must create it', async () => {
    const double = startVault({ perApp: false, withTemplated: false });
    const run = await runAction(config(false), input, { secrets });
    expect(run.error).toBeInstanceOf(NotFoundError);
    expect(run.error?.message).toContain(
      'A Vault administrator creates it once',
    );
    expect(writes(double)).toBe(0);
  });
});

describe('haven:vault:provision refuses to take over what is not its own', () => {
  it('leaves a role bound to another service account alone', async () => {
    const double = startVault({ perApp: true });
    const res = await fetch(
      `${VAULT}/v1/auth/kubernetes/role/haven-voorbeeld.open-webui`,
      {
        method: 'POST',
        headers: { 'x-vault-token': ROOT },
        body: JSON.stringify({
          bound_service_account_names: ['someone-else'],
          bound_service_account_namespaces: ['voorbeeld'],
          token_policies: ['other'],
          audience: 'vault',
        }),
      },
    );
    expect(res.status).toBe(204);
    const before = writes(double);
    const run = await runAction(config(true), input, { secrets });
    expect(run.error).toBeInstanceOf(ConflictError);
    expect(run.error?.message).toContain('is bound to voorbeeld/someone-else');
    expect(writes(double)).toBe(before);
  });

  it('stops when the shared policy does not grant this environment through this auth mount', async () => {
    const double = createVaultDouble({
      baseUrl: VAULT,
      rootToken: ROOT,
      kvMounts: ['kv-apps'],
      kubernetesAuthMounts: [{ path: 'kubernetes', accessor: ACCESSOR }],
      policies: [
        {
          name: 'haven-apps',
          policy: templatedPolicy('kv-apps', 'auth_kubernetes_other'),
        },
      ],
    });
    server.use(...double.handlers);
    const run = await runAction(
      havenConfig({ address: VAULT, token: ROOT, perApp: false }),
      input,
      {
        secrets,
      },
    );
    expect(run.error).toBeInstanceOf(ConflictError);
    expect(run.error?.message).toContain(
      `{{identity.entity.aliases.${ACCESSOR}.metadata.service_account_namespace}}`,
    );
    expect(double.state.writeCount).toBe(0);
  });
});

describe('haven:vault:provision input rules', () => {
  const validSegment = fc.stringMatching(
    /^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/,
  );
  const nasty = fc.constantFrom(
    '..',
    '*',
    '+',
    '"',
    '\\',
    '\n',
    '/',
    '{{',
    '}',
    ' ',
    "'",
    '%2e%2e',
    'A',
    '_',
    '.',
    '',
  );
  const spliced = fc
    .tuple(validSegment, nasty, fc.nat())
    .map(([v, bad, at]) => {
      const i = at % (v.length + 1);
      return v.slice(0, i) + bad + v.slice(i);
    })
    .filter(v => !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v));
  const field = fc.constantFrom(
    'component',
    'namespace',
    'serviceAccount',
    'secretName',
  );

  it('rejects 300 generated bad inputs with InputError before any request', async () => {
    const double = startVault({ perApp: true });
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(field, spliced, async (which, bad) => {
        const bent =
          which === 'secretName'
            ? {
                ...input,
                secrets: [{ name: bad, generate: { kind: 'hex', length: 32 } }],
              }
            : { ...input, [which]: bad };
        if (
          which === 'secretName' &&
          /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(bad)
        )
          return; // a valid segment
        const run = await runAction(config(true), bent, { secrets });
        expect(run.error).toBeInstanceOf(InputError);
        rejected += 1;
      }),
      { numRuns: 300 },
    );
    expect(rejected).toBeGreaterThanOrEqual(200);
    expect(double.requests).toEqual([]);
  });

  it('asks for a missing template secret by name, before any request', async () => {
    const double = startVault({ perApp: true });
    const run = await runAction(config(true), input, { secrets: {} });
    expect(run.error).toBeInstanceOf(InputError);
    expect(run.error?.message).toContain(
      'add a ui:field Secret named "openaiApiKey"',
    );
    expect(double.requests).toEqual([]);
  });

  it('plans a supplied secret in a dry run, which the scaffolder runs without secrets', async () => {
    const double = startVault({ perApp: true });
    const dry = await runAction(config(true), input, {
      secrets: {},
      dryRun: true,
    });
    expect(dry.error).toBeUndefined();
    expect(planOf(dry)).toContain(
      'secret apps/voorbeeld/open-webui/openai-api-key: create',
    );
    expect(writes(double)).toBe(0);
  });

  it('names the environments it knows for an unknown one', async () => {
    startVault({ perApp: true });
    const run = await runAction(
      config(true),
      { ...input, environment: 'prod' },
      { secrets },
    );
    expect(run.error?.message).toBe(
      'Unknown environment "prod"; haven.vault.environments has: sandbox',
    );
  });
});

describe('haven:vault:provision under faults', () => {
  const steps = [
    {
      step: 'policy write',
      method: 'PUT',
      path: 'sys/policies/acl/haven-app-voorbeeld.open-webui',
    },
    {
      step: 'role write',
      method: 'POST',
      path: 'auth/kubernetes/role/haven-voorbeeld.open-webui',
    },
    {
      step: 'secret write',
      method: 'POST',
      path: 'kv-apps/data/apps/voorbeeld/open-webui/webui-secret-key',
    },
  ];
  const faults = [
    { fault: '500', spec: { status: 500 }, says: 'run the task again' },
    { fault: '503 sealed', spec: { status: 503 }, says: 'unseal it' },
    {
      fault: '429',
      spec: { status: 429 },
      says: 'wait, then run the task again',
    },
    { fault: 'timeout', spec: { latencyMs: 2000 }, says: 'timed out' },
    { fault: 'connection reset', spec: { reset: true }, says: 'got no answer' },
  ];

  /** The end state a clean run leaves: policy, role, which secrets exist at which version. */
  const endState = (double: VaultDouble) => ({
    policy: double.state.policy('haven-app-voorbeeld.open-webui'),
    role: double.state.kubernetesRole('haven-voorbeeld.open-webui', {
      mount: 'kubernetes',
    }),
    secrets: ['webui-secret-key', 'openai-api-key'].map(
      s =>
        double.state.kvKey('kv-apps', `apps/voorbeeld/open-webui/${s}`)
          ?.currentVersion,
    ),
  });
  let reference: ReturnType<typeof endState>;
  beforeAll(async () => {
    const double = startVault({ perApp: true });
    await runAction(config(true), input, { secrets });
    reference = endState(double);
    server.resetHandlers();
  });

  it.each(
    steps.flatMap(s => faults.map(f => [s.step, f.fault, s, f] as const)),
  )(
    '%s x %s: fails saying what to do, then converges when healed',
    async (_s, _f, step, fault) => {
      const double = startVault({ perApp: true });
      double.faults.inject({
        method: step.method,
        path: step.path,
        ...fault.spec,
      });
      const failed = await runAction(config(true), input, { secrets });
      expect(failed.error).toBeDefined();
      expect(failed.error!.message).toContain(fault.says);
      expect(visible(failed)).not.toContain(SUPPLIED);

      double.faults.clear();
      const healed = await runAction(config(true), input, { secrets });
      expect(healed.error).toBeUndefined();
      expect(endState(double)).toEqual(reference);
      const settled = writes(double);
      await runAction(config(true), input, { secrets });
      expect(writes(double)).toBe(settled);
    },
  );
});

describe('haven:vault:provision keeps secrets out of everything it leaves', () => {
  it('never shows a supplied or generated value, or the token', async () => {
    const double = startVault({ perApp: true });
    const workspace = createMockDirectory();
    const ok = await runAction(config(true), input, {
      secrets,
      workspacePath: workspace.path,
    });
    double.faults.inject({
      method: 'POST',
      path: 'kv-apps/data/*',
      status: 500,
    });
    double.faults.inject({
      method: 'PUT',
      path: 'sys/policies/acl/*',
      status: 403,
    });
    const failed = await runAction(
      config(true),
      { ...input, component: 'other-app' },
      { secrets, workspacePath: workspace.path },
    );
    expect(failed.error).toBeDefined();

    const generated = double.state.kvKey(
      'kv-apps',
      'apps/voorbeeld/open-webui/webui-secret-key',
    )!.versions[0].data!.value as string;
    expect(generated).toMatch(/^[A-Za-z0-9]{48}$/);
    const files = fs.existsSync(workspace.path)
      ? fs
          .readdirSync(workspace.path, { recursive: true, withFileTypes: true })
          .filter(e => e.isFile())
          .map(e => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8'))
      : [];
    const everything = [visible(ok), visible(failed), ...files].join('\n');
    for (const needle of [SUPPLIED, generated, BACKSTAGE_TOKEN]) {
      expect(everything.split(needle).length - 1).toBe(0);
    }
    expect(ok.logs.length).toBeGreaterThan(3);
  });
});

(real ? describe : describe.skip)(
  'haven:vault:provision against a real Vault/OpenBao',
  () => {
    const suffix = Date.now().toString(36);
    const kvMount = `haven-test-kv-${suffix}`;
    const authMount = `haven-test-k8s-${suffix}`;
    const sys = (method: string, p: string, body?: unknown) =>
      fetch(`${real!.url}/v1/${p}`, {
        method,
        headers: {
          'x-vault-token': real!.token,
          'content-type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    beforeAll(async () => {
      const kv = await sys('POST', `sys/mounts/${kvMount}`, {
        type: 'kv',
        options: { version: '2' },
      });
      const auth = await sys('POST', `sys/auth/${authMount}`, {
        type: 'kubernetes',
      });
      if (!kv.ok || !auth.ok) {
        throw new Error(
          `could not enable test mounts: ${kv.status} ${auth.status}`,
        );
      }
    });
    afterAll(async () => {
      await sys('DELETE', `sys/mounts/${kvMount}`);
      await sys('DELETE', `sys/auth/${authMount}`);
      await sys('DELETE', 'sys/policies/acl/haven-app-voorbeeld.open-webui');
    });

    it('provisions in per-app mode, then a re-run plans and performs no write', async () => {
      const cfg = havenConfig({
        address: real!.url,
        token: real!.token,
        perApp: true,
        kvMount,
        authMount,
      });
      const first = await runAction(cfg, input, { secrets });
      expect(first.error).toBeUndefined();
      // KV v2 may answer "Upgrading from non-versioned..." right after mounting: the client retries reads.
      const again = await runAction(cfg, input, { secrets });
      expect(again.error).toBeUndefined();
      expect(
        planOf(again).every(line => /: (unchanged|exists)$/.test(line)),
      ).toBe(true);
      expect(visible(first) + visible(again)).not.toContain(SUPPLIED);
    });
  },
);
