import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import {
  createVaultDouble,
  setupDoubleServer,
  type VaultDouble,
} from '@haven-plus/haven-doubles';
import {
  readHavenGitopsConfig,
  VaultClient,
  type HavenVaultConfig,
} from '@haven-plus/plugin-haven-node';
import yaml from 'yaml';
import { createVaultRotateAction } from './vaultRotate';
import { examples } from './vaultRotate.examples';
import { runAction } from '../__testUtils__/runAction';
import {
  fastClient,
  havenConfig,
  readmeVaultSetup,
} from './__testUtils__/harness';

const VAULT = 'https://vault.double.test';
const ROOT = 'root-token-for-tests';
const BACKSTAGE_TOKEN = 'backstage-token-5d2f8b1e';
const ACCESSOR = 'auth_kubernetes_0a1b2c3d';
const SEEDED = 'seeded-value-9f3c1a7e5b2d';
const PATH = 'apps/voorbeeld/open-webui/webui-secret-key';

/**
 * The rotation grant: README's Backstage policy has `create` only on the
 * data paths; a new version of an existing key is Vault's `update`
 * operation (contracts.md 1.5, the existence check of data/).
 */
const ROTATE_POLICY =
  'path "kv-apps/data/apps/*" { capabilities = ["update"] }';

const server = setupDoubleServer();

function startVault(
  opts: { rotateGrant?: boolean; seeded?: boolean } = {},
): VaultDouble {
  const setup = readmeVaultSetup({
    rootToken: ROOT,
    backstageToken: BACKSTAGE_TOKEN,
    accessor: ACCESSOR,
    perApp: false,
    kvSecrets:
      opts.seeded === false
        ? []
        : [{ mount: 'kv-apps', path: PATH, data: { value: SEEDED } }],
  });
  const rotate = opts.rotateGrant ?? true;
  const double = createVaultDouble({
    baseUrl: VAULT,
    ...setup,
    policies: [
      ...(setup.policies ?? []),
      ...(rotate ? [{ name: 'haven-rotate', policy: ROTATE_POLICY }] : []),
    ],
    tokens: [
      {
        token: BACKSTAGE_TOKEN,
        policies: [
          'backstage-provisioner',
          ...(rotate ? ['haven-rotate'] : []),
        ],
      },
    ],
  });
  server.use(...double.handlers);
  return double;
}

const config = () =>
  havenConfig({ address: VAULT, token: BACKSTAGE_TOKEN, perApp: false });
const gitops = readHavenGitopsConfig(
  new ConfigReader({
    haven: {
      gitops: {
        fleetRepo: { url: 'https://github.com/haven-fleet/fleet' },
        clusters: [{ name: 'haven-sandbox', environment: 'sandbox' }],
      },
    },
  }),
);

const INPUT = {
  component: 'open-webui',
  environment: 'sandbox',
  namespace: 'voorbeeld',
  secret: 'webui-secret-key',
};

interface Run {
  outputs: Record<string, unknown>;
  /** Every log line, checkpoint result, output and error: all a person could read. */
  visible: string;
  error?: Error;
}

/**
 * Runs the action as one step of a task. `checkpoints` is that task's
 * persisted checkpoint state: pass the same map to run the same task again
 * (a retry or a recovery), a new one for a new task. As the scaffolder does,
 * a checkpoint that succeeded returns its stored result without running.
 */
async function run(
  input: JsonObject,
  opts: {
    checkpoints?: Map<string, unknown>;
    dryRun?: boolean;
    cfg?: HavenVaultConfig;
    clientFactory?: (c: HavenVaultConfig) => VaultClient;
  } = {},
): Promise<Run> {
  const action = createVaultRotateAction({
    config: opts.cfg ?? config(),
    gitops,
    clientFactory: opts.clientFactory ?? fastClient,
  });
  const store = opts.checkpoints ?? new Map<string, unknown>();
  const result = await runAction(action, input, {
    dryRun: opts.dryRun,
    checkpointStore: store,
  });
  const visible = [
    ...result.logs,
    JSON.stringify([...store.entries()]),
    JSON.stringify(result.outputs),
    result.error ? `${result.error.message} ${result.error.stack}` : '',
  ].join('\n');
  return { outputs: result.outputs, visible, error: result.error };
}

const valueAt = (double: VaultDouble, version: number) =>
  double.state.kvKey('kv-apps', PATH)?.versions.find(v => v.version === version)
    ?.data?.value as string | undefined;

describe('haven:vault:rotate', () => {
  it('writes a new generated version with cas on the one it read, and shows no value', async () => {
    const double = startVault();
    const result = await run(INPUT);
    expect(result.error).toBeUndefined();
    expect(result.outputs).toEqual({
      kvMount: 'kv-apps',
      kvPath: 'apps/voorbeeld/open-webui',
      secret: 'webui-secret-key',
      environment: 'sandbox',
      namespace: 'voorbeeld',
      externalSecret: 'open-webui-vault',
      previousVersion: 1,
      version: 2,
      vaultUrl: `${VAULT}/ui/vault/secrets/kv-apps/kv/list/apps/voorbeeld/open-webui/`,
    });
    expect(double.state.kvKey('kv-apps', PATH)?.currentVersion).toBe(2);
    const rotated = valueAt(double, 2)!;
    expect(rotated).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(rotated).not.toBe(SEEDED);
    // Written as { value }, the property haven:gitops:render's ExternalSecret reads.
    expect(
      Object.keys(double.state.kvKey('kv-apps', PATH)!.versions[1].data!),
    ).toEqual(['value']);
    expect(valueAt(double, 1)).toBe(SEEDED);
    expect(result.visible).not.toContain(rotated);
    expect(result.visible).not.toContain(SEEDED);
    // The one write was a check-and-set update, never a read of data/.
    const kv = double.requests.filter(r => r.path.includes('/kv-apps/'));
    expect(kv.map(r => `${r.method} ${r.path}`)).toEqual([
      `GET /v1/kv-apps/metadata/${PATH}`,
      `POST /v1/kv-apps/data/${PATH}`,
    ]);
  });

  it('generates the kind and length asked for', async () => {
    const double = startVault();
    const result = await run({
      ...INPUT,
      generate: { kind: 'hex', length: 64 },
    });
    expect(result.error).toBeUndefined();
    expect(valueAt(double, 2)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a re-run of the same task writes nothing; a new task writes one new version', async () => {
    const double = startVault();
    const task = new Map<string, unknown>();
    const first = await run(INPUT, { checkpoints: task });
    expect(first.error).toBeUndefined();
    const writesAfterFirst = double.state.writeCount;
    const rotated = valueAt(double, 2);

    // The same task again (a retry after a later step failed, or a recovery).
    const again = await run(INPUT, { checkpoints: task });
    expect(again.error).toBeUndefined();
    expect(double.state.writeCount).toBe(writesAfterFirst);
    expect(double.state.kvKey('kv-apps', PATH)?.currentVersion).toBe(2);
    expect(valueAt(double, 2)).toBe(rotated);
    expect(again.outputs).toMatchObject({ previousVersion: 1, version: 2 });

    // Another task: one more version.
    const next = await run(INPUT);
    expect(next.error).toBeUndefined();
    expect(next.outputs).toMatchObject({ previousVersion: 2, version: 3 });
    expect(double.state.writeCount).toBe(writesAfterFirst + 1);
  });

  it('dry run: the plan from version N to N+1, and nothing written', async () => {
    const double = startVault();
    const result = await run(INPUT, { dryRun: true });
    expect(result.error).toBeUndefined();
    expect(result.outputs).toMatchObject({ previousVersion: 1, version: 2 });
    expect(result.visible).toContain(
      'kv-apps/apps/voorbeeld/open-webui/webui-secret-key: version 1 -> 2',
    );
    expect(result.visible).toContain('dry run: nothing is written');
    expect(double.state.writeCount).toBe(0);
    expect(double.state.kvKey('kv-apps', PATH)?.currentVersion).toBe(1);
  });

  it('refuses a secret that does not exist: nothing to rotate', async () => {
    const double = startVault({ seeded: false });
    const result = await run(INPUT);
    expect(result.error).toBeInstanceOf(InputError);
    expect(result.error?.message).toContain(
      'Vault has no secret kv-apps/apps/voorbeeld/open-webui/webui-secret-key: there is nothing to rotate',
    );
    expect(result.error?.message).toContain('Add a secret to a Haven+ service');
    expect(double.state.writeCount).toBe(0);
  });

  it.each([
    ['delete', 'deleted', 'Undelete it'],
    ['destroy', 'destroyed', 'Either ask'],
  ])(
    'refuses when the current version was soft-deleted or destroyed (%s)',
    async (endpoint, word, advice) => {
      const double = startVault();
      const res = await fetch(`${VAULT}/v1/kv-apps/${endpoint}/${PATH}`, {
        method: 'POST',
        headers: { 'x-vault-token': ROOT, 'content-type': 'application/json' },
        body: JSON.stringify({ versions: [1] }),
      });
      expect(res.status).toBe(204);
      const before = double.state.writeCount;
      const result = await run(INPUT);
      expect(result.error).toBeInstanceOf(InputError);
      expect(result.error?.message).toContain(
        `The current version (1) of kv-apps/${PATH} is ${word}`,
      );
      expect(result.error?.message).toContain(advice);
      expect(double.state.writeCount).toBe(before);
    },
  );

  it('two rotations at once: one applies, the other fails with a ConflictError', async () => {
    const double = startVault();
    // Another writer lands between this task's metadata read and its write.
    const racing = (c: HavenVaultConfig) => {
      const client = fastClient(c);
      const read = client.readKvMetadata.bind(client);
      client.readKvMetadata = async (mount, path) => {
        const meta = await read(mount, path);
        await fetch(`${VAULT}/v1/kv-apps/data/${PATH}`, {
          method: 'POST',
          headers: {
            'x-vault-token': ROOT,
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            data: { value: 'the-other-rotation-value' },
            options: { cas: meta?.currentVersion },
          }),
        });
        client.readKvMetadata = read;
        return meta;
      };
      return client;
    };
    const result = await run(INPUT, { clientFactory: racing });
    expect(result.error).toBeInstanceOf(ConflictError);
    expect(result.error?.message).toContain(
      `kv-apps/${PATH} is no longer at version 1 (now 2)`,
    );
    expect(result.visible).not.toContain('the-other-rotation-value');
    expect(double.state.kvKey('kv-apps', PATH)?.currentVersion).toBe(2);
  });

  it("says which capability is missing when Backstage's token may only create", async () => {
    const double = startVault({ rotateGrant: false });
    const result = await run(INPUT);
    expect(result.error).toBeInstanceOf(NotAllowedError);
    expect(result.error?.message).toContain(
      'rotating needs the "update" capability on kv-apps/data/apps/*',
    );
    expect(result.visible).not.toContain(SEEDED);
    expect(double.state.kvKey('kv-apps', PATH)?.currentVersion).toBe(1);
  });

  it('takes a cluster instead of an environment, through haven.gitops.clusters', async () => {
    startVault();
    const { environment: _e, ...rest } = INPUT;
    const result = await run({ ...rest, cluster: 'haven-sandbox' });
    expect(result.error).toBeUndefined();
    expect(result.outputs).toMatchObject({
      environment: 'sandbox',
      version: 2,
    });
  });

  it.each([
    [{ ...INPUT, secret: '../other-app/key' }, 'secret name'],
    [{ ...INPUT, component: 'Open_WebUI' }, 'component'],
    [{ ...INPUT, cluster: 'haven-sandbox' }, 'exactly one of "environment"'],
    [{ ...INPUT, environment: 'nowhere' }, 'Unknown environment "nowhere"'],
  ])('refuses bad input before any request (%#)', async (input, message) => {
    const double = startVault();
    const result = await run(input);
    expect(result.error).toBeInstanceOf(InputError);
    expect(result.error?.message).toContain(message);
    expect(double.requests).toEqual([]);
  });

  it('refuses to run without haven.vault, saying where to configure it', async () => {
    const action = createVaultRotateAction({ config: undefined });
    await expect(
      action.handler(createMockActionContext({ input: INPUT }) as never),
    ).rejects.toThrow('haven.vault is not configured');
  });

  it.each(examples.map(e => [e.description, e] as const))(
    'example: %s',
    async (_d, example) => {
      const double = startVault({ seeded: false });
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('haven:vault:rotate');
      const path = `apps/${step.input.namespace}/${step.input.component}/${step.input.secret}`;
      const seed = await fetch(`${VAULT}/v1/kv-apps/data/${path}`, {
        method: 'POST',
        headers: { 'x-vault-token': ROOT, 'content-type': 'application/json' },
        body: JSON.stringify({ data: { value: SEEDED }, options: { cas: 0 } }),
      });
      expect(seed.status).toBe(200);
      const result = await run(step.input);
      expect(result.error).toBeUndefined();
      expect(double.state.kvKey('kv-apps', path)?.currentVersion).toBe(2);
    },
  );
});
