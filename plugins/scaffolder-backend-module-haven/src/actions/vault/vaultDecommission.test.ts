import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  createVaultDouble,
  setupDoubleServer,
  type VaultDouble,
} from '@haven-plus/haven-doubles';
import type { HavenVaultConfig } from '@haven-plus/plugin-haven-node';
import { createVaultDecommissionAction } from './vaultDecommission';
import { runAction, type ActionRun } from '../__testUtils__/runAction';
import {
  fastClient,
  havenConfig,
  OPEN_WEBUI_PROVISION_INPUT,
  readmeVaultSetup,
  runAction as runProvision,
  visibleOf,
} from './__testUtils__/harness';

const VAULT = 'https://vault.double.test';
const ROOT = 'root-token-for-tests';
const BACKSTAGE_TOKEN = 'backstage-token-3d9e1f0a';
const SUPPLIED = 'sup3r-s3cret-supplied-value-8c2b';
const ACCESSOR = 'auth_kubernetes_4e5f6a7b';
const APP_PATH = 'apps/voorbeeld/open-webui';
const CONFIRM = `kv-apps/${APP_PATH}`;

/**
 * What an administrator adds to Backstage's policy so it may decommission:
 * delete on the roles, per-app policies and app paths it manages.
 */
const DECOMMISSION_POLICY = [
  'path "auth/kubernetes/role/haven-*" { capabilities = ["delete"] }',
  'path "sys/policies/acl/haven-app-*" { capabilities = ["delete"] }',
  'path "kv-apps/metadata/apps/*" { capabilities = ["delete"] }',
].join('\n');

const server = setupDoubleServer();

function startVault(opts: { perApp: boolean; mayDelete?: boolean }) {
  const setup = readmeVaultSetup({
    rootToken: ROOT,
    backstageToken: BACKSTAGE_TOKEN,
    accessor: ACCESSOR,
    perApp: opts.perApp,
  });
  const mayDelete = opts.mayDelete ?? true;
  const double = createVaultDouble({
    baseUrl: VAULT,
    ...setup,
    policies: [
      ...(setup.policies ?? []),
      { name: 'backstage-decommissioner', policy: DECOMMISSION_POLICY },
    ],
    tokens: [
      {
        token: BACKSTAGE_TOKEN,
        policies: mayDelete
          ? ['backstage-provisioner', 'backstage-decommissioner']
          : ['backstage-provisioner'],
      },
    ],
  });
  server.use(...double.handlers);
  return double;
}

const config = (perApp: boolean) =>
  havenConfig({ address: VAULT, token: BACKSTAGE_TOKEN, perApp });

/** The app as haven:vault:provision leaves it, plus a key in a sub-folder. */
async function provisioned(perApp: boolean, mayDelete = true) {
  const double = startVault({ perApp, mayDelete });
  const run = await runProvision(config(perApp), OPEN_WEBUI_PROVISION_INPUT, {
    secrets: { openaiApiKey: SUPPLIED },
  });
  expect(run.error).toBeUndefined();
  const res = await fetch(`${VAULT}/v1/kv-apps/data/${APP_PATH}/old/token`, {
    method: 'POST',
    headers: { 'x-vault-token': ROOT, 'content-type': 'application/json' },
    body: JSON.stringify({ data: { value: 'an-old-token' } }),
  });
  expect(res.status).toBe(200);
  return double;
}

function decommission(
  cfg: HavenVaultConfig,
  input: JsonObject,
  opts: { dryRun?: boolean } = {},
): Promise<ActionRun> {
  const action = createVaultDecommissionAction({
    config: cfg,
    clientFactory: fastClient,
  });
  return runAction(action, input, opts);
}

/** The keys of the checkpoints that succeeded, in order. */
const checkpointKeys = (run: ActionRun) =>
  run.checkpoints.flatMap(c => ('result' in c ? [c.key] : []));

const INPUT = {
  component: 'open-webui',
  environment: 'sandbox',
  namespace: 'voorbeeld',
};
const deletesSent = (double: VaultDouble) =>
  double.requests
    .filter(r => r.method === 'DELETE')
    .map(r => `${r.path} ${r.status}`);
const planOf = (run: ActionRun) =>
  (
    run.outputs.plan as Array<{ kind: string; name: string; action: string }>
  ).map(i => `${i.kind} ${i.name}: ${i.action}`);

describe('haven:vault:decommission, per-app policy mode', () => {
  it('plans without deleting, deletes the role and policy and keeps the secrets, then a re-run deletes nothing', async () => {
    const double = await provisioned(true);
    const writes = double.state.writeCount;

    const planned = await decommission(config(true), {
      ...INPUT,
      planOnly: true,
    });
    const dry = await decommission(config(true), INPUT, { dryRun: true });
    expect(planned.error).toBeUndefined();
    expect(dry.error).toBeUndefined();
    expect(deletesSent(double)).toEqual([]);
    expect(planOf(planned)).toEqual([
      'role haven-voorbeeld.open-webui: delete',
      'policy haven-app-voorbeeld.open-webui: delete',
      `secret ${APP_PATH}: kept`,
    ]);
    expect(planOf(dry)).toEqual(planOf(planned));
    expect(planned.outputs.deleted).toEqual([]);
    expect(planned.outputs.planned).toEqual([
      'role haven-voorbeeld.open-webui',
      'policy haven-app-voorbeeld.open-webui',
    ]);

    const first = await decommission(config(true), INPUT);
    expect(first.error).toBeUndefined();
    expect(first.outputs).toMatchObject({
      deleted: [
        'role haven-voorbeeld.open-webui',
        'policy haven-app-voorbeeld.open-webui',
      ],
      kept: [
        expect.stringMatching(/^secret apps\/voorbeeld\/open-webui: kept/),
      ],
      vaultUrl: `${VAULT}/ui/vault/secrets/kv-apps/kv/list/${APP_PATH}/`,
    });
    expect(checkpointKeys(first)).toEqual([
      'haven-vault-decommission-role-haven-voorbeeld.open-webui',
      'haven-vault-decommission-policy-haven-app-voorbeeld.open-webui',
    ]);
    expect(double.state.writeCount - writes).toBe(2);
    expect(
      double.state.kubernetesRole('haven-voorbeeld.open-webui', {
        mount: 'kubernetes',
      }),
    ).toBeUndefined();
    expect(
      double.state.policy('haven-app-voorbeeld.open-webui'),
    ).toBeUndefined();
    // Not ticked: every secret is still there.
    for (const name of ['webui-secret-key', 'openai-api-key', 'old/token']) {
      expect(
        double.state.kvKey('kv-apps', `${APP_PATH}/${name}`),
      ).toBeDefined();
    }

    const sent = deletesSent(double).length;
    const again = await decommission(config(true), INPUT);
    expect(again.error).toBeUndefined();
    expect(deletesSent(double)).toHaveLength(sent);
    expect(double.state.writeCount - writes).toBe(2);
    expect(planOf(again)).toEqual([
      'role haven-voorbeeld.open-webui: gone',
      'policy haven-app-voorbeeld.open-webui: gone',
      `secret ${APP_PATH}: kept`,
    ]);
    expect(again.outputs.deleted).toEqual([]);
    expect(again.logs.join('\n')).toContain(
      'role haven-voorbeeld.open-webui: already gone',
    );
  });

  it('with deleteSecrets and the path confirmed, deletes every key under the path with all versions; a re-run finds it gone', async () => {
    const double = await provisioned(true);
    const input = { ...INPUT, deleteSecrets: true, confirmPath: CONFIRM };
    const planned = await decommission(config(true), input, { dryRun: true });
    expect(planOf(planned)).toEqual([
      'role haven-voorbeeld.open-webui: delete',
      'policy haven-app-voorbeeld.open-webui: delete',
      `secret ${APP_PATH}/old/token: delete`,
      `secret ${APP_PATH}/openai-api-key: delete`,
      `secret ${APP_PATH}/webui-secret-key: delete`,
    ]);
    expect(deletesSent(double)).toEqual([]);

    const first = await decommission(config(true), input);
    expect(first.error).toBeUndefined();
    expect(deletesSent(double)).toEqual([
      '/v1/auth/kubernetes/role/haven-voorbeeld.open-webui 204',
      '/v1/sys/policies/acl/haven-app-voorbeeld.open-webui 204',
      `/v1/kv-apps/metadata/${APP_PATH}/old/token 204`,
      `/v1/kv-apps/metadata/${APP_PATH}/openai-api-key 204`,
      `/v1/kv-apps/metadata/${APP_PATH}/webui-secret-key 204`,
    ]);
    for (const name of ['webui-secret-key', 'openai-api-key', 'old/token']) {
      expect(
        double.state.kvKey('kv-apps', `${APP_PATH}/${name}`),
      ).toBeUndefined();
    }
    // Names only: no value reached a log, output or checkpoint.
    expect(visibleOf(first)).not.toContain(SUPPLIED);
    expect(visibleOf(first)).not.toContain('an-old-token');

    const again = await decommission(config(true), input);
    expect(again.error).toBeUndefined();
    expect(deletesSent(double)).toHaveLength(5);
    expect(planOf(again)).toEqual([
      'role haven-voorbeeld.open-webui: gone',
      'policy haven-app-voorbeeld.open-webui: gone',
      `secret ${APP_PATH}: gone`,
    ]);
  });

  it.each([
    ['without confirmPath', {}],
    ['with the path mistyped', { confirmPath: 'kv-apps/apps/voorbeeld' }],
    ['with the path of another mount', { confirmPath: `secret/${APP_PATH}` }],
  ])('refuses deleteSecrets %s before any request', async (_what, extra) => {
    const double = await provisioned(true);
    const requests = double.requests.length;
    const run = await decommission(config(true), {
      ...INPUT,
      deleteSecrets: true,
      ...extra,
    });
    expect(run.error).toBeInstanceOf(InputError);
    expect(run.error?.message).toContain(`must be exactly "${CONFIRM}"`);
    expect(run.error?.message).toContain('Nothing was deleted');
    expect(double.requests.length).toBe(requests);
  });

  it("says which capability is missing when Backstage's token may not delete, having deleted nothing", async () => {
    const double = await provisioned(true, false);
    const run = await decommission(config(true), INPUT);
    expect(run.error).toBeInstanceOf(NotAllowedError);
    expect(run.error?.message).toContain(
      'Vault refused to delete role haven-voorbeeld.open-webui: Backstage\'s Vault token needs the "delete" capability',
    );
    expect(
      double.state.kubernetesRole('haven-voorbeeld.open-webui', {
        mount: 'kubernetes',
      }),
    ).toBeDefined();
    expect(double.state.policy('haven-app-voorbeeld.open-webui')).toBeDefined();
  });

  it('leaves a role bound to another namespace alone', async () => {
    const double = await provisioned(true);
    const res = await fetch(
      `${VAULT}/v1/auth/kubernetes/role/haven-voorbeeld.open-webui`,
      {
        method: 'POST',
        headers: { 'x-vault-token': ROOT, 'content-type': 'application/json' },
        body: JSON.stringify({
          bound_service_account_names: ['open-webui'],
          bound_service_account_namespaces: ['someone-else'],
          audience: 'vault',
        }),
      },
    );
    expect(res.status).toBe(204);
    const run = await decommission(config(true), INPUT);
    expect(run.error).toBeInstanceOf(ConflictError);
    expect(run.error?.message).toContain('bound to namespace someone-else');
    expect(deletesSent(double)).toEqual([]);
  });
});

describe('haven:vault:decommission, templated policy mode', () => {
  it('deletes the role and never the shared policy', async () => {
    const double = await provisioned(false);
    const run = await decommission(config(false), INPUT);
    expect(run.error).toBeUndefined();
    expect(planOf(run)).toEqual([
      'role haven-voorbeeld.open-webui: delete',
      'policy haven-apps: kept',
      `secret ${APP_PATH}: kept`,
    ]);
    expect(run.outputs.deleted).toEqual(['role haven-voorbeeld.open-webui']);
    expect(run.outputs.kept).toEqual([
      expect.stringContaining('policy haven-apps: not per-app mode'),
      expect.stringContaining(`secret ${APP_PATH}: kept (not ticked)`),
    ]);
    expect(double.state.policy('haven-apps')).toBeDefined();
    expect(deletesSent(double)).toEqual([
      '/v1/auth/kubernetes/role/haven-voorbeeld.open-webui 204',
    ]);
  });
});
