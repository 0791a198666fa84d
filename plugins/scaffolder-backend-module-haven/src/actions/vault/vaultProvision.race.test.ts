/*
 * A secret created by someone else between the plan's read and the action's
 * check-and-set 0 write. The action plans "create" (the key is missing when
 * it reads), writes with cas 0, and must then leave the other writer's value
 * alone, report that, and finish the run (vaultProvision.ts, the secret
 * checkpoint: a CAS mismatch, or the 403 that create-only rights get on an
 * existing key followed by a metadata read, both end in "left alone").
 */
import { http } from 'msw';
import {
  createVaultDouble,
  setupDoubleServer,
  type VaultDouble,
} from '@haven-plus/haven-doubles';
import {
  havenConfig,
  OPEN_WEBUI_PROVISION_INPUT as input,
  readmeVaultSetup,
  runAction,
  visibleOf as visible,
  type Run,
} from './__testUtils__/harness';

const VAULT = 'https://vault.double.test';
const ROOT = 'root-token-for-tests';
const BACKSTAGE_TOKEN = 'backstage-token-5e0b2c71';
const SUPPLIED = 'sup3r-s3cret-supplied-value-8d2a';
const OTHER_WRITERS_VALUE = 'other-writers-value-3f61c9';
const ACCESSOR = 'auth_kubernetes_0a1b2c3d';
const APP_PATH = 'apps/voorbeeld/open-webui';
const RACED_KEY = `${APP_PATH}/openai-api-key`;
const RACED_URL = `${VAULT}/v1/kv-apps/data/${RACED_KEY}`;

const server = setupDoubleServer();

function startVault(): VaultDouble {
  const double = createVaultDouble({
    baseUrl: VAULT,
    ...readmeVaultSetup({
      rootToken: ROOT,
      backstageToken: BACKSTAGE_TOKEN,
      accessor: ACCESSOR,
      perApp: false,
    }),
  });
  server.use(...double.handlers);
  return double;
}

/**
 * Placed before the double's handlers: on the action's first write to the
 * raced key, another writer (root token) creates the key through the same
 * double, then the action's request falls through to the double unchanged.
 */
function anotherWriterCreatesTheKeyFirst(): { raced: () => boolean } {
  let raced = false;
  server.use(
    http.post(RACED_URL, async () => {
      if (raced) return undefined; // the other writer's own request, and any later one
      raced = true;
      const response = await fetch(RACED_URL, {
        method: 'POST',
        headers: { 'x-vault-token': ROOT, 'content-type': 'application/json' },
        body: JSON.stringify({
          data: { value: OTHER_WRITERS_VALUE },
          options: { cas: 0 },
        }),
      });
      if (!response.ok) {
        throw new Error(`the other writer's write answered ${response.status}`);
      }
      return undefined; // the action's write goes on to the double
    }),
  );
  return { raced: () => raced };
}

const secrets = { openaiApiKey: SUPPLIED };

type Item = { kind: string; name: string; action: string; detail: string };
const itemFor = (run: Run, name: string) =>
  (run.outputs.plan as Item[]).find(i => i.name === name);

/** Statuses the double answered to writes on the raced key, oldest first. */
const racedWrites = (double: VaultDouble) =>
  double.requests
    .filter(
      r =>
        (r.method === 'POST' || r.method === 'PUT') &&
        r.path === `/v1/kv-apps/data/${RACED_KEY}`,
    )
    .map(r => r.status);

describe('haven:vault:provision, a secret created between plan and write', () => {
  it.each([
    {
      who: "Backstage's create-only policy (README.md)",
      token: BACKSTAGE_TOKEN,
      // Vault's existence check makes the write an update: 403, then a metadata read.
      refused: 403,
    },
    {
      who: 'a token that may also update (CAS decides)',
      token: ROOT,
      // check-and-set parameter did not match the current version
      refused: 400,
    },
  ])(
    "with $who: the other writer's value is left alone and the run succeeds",
    async ({ token, refused }) => {
      const double = startVault();
      const race = anotherWriterCreatesTheKeyFirst();

      const run = await runAction(
        havenConfig({ address: VAULT, token, perApp: false }),
        input,
        { secrets },
      );

      expect(run.error).toBeUndefined();
      expect(race.raced()).toBe(true);

      // The plan read the key as missing: the key appeared after that read.
      expect(run.logs.join('\n')).toContain(
        `secret ${RACED_KEY}: create (seeded once (cas 0))`,
      );
      // The other writer's write went through, the action's was refused.
      expect(racedWrites(double)).toEqual([200, refused]);

      // The other writer's value and version are untouched.
      const key = double.state.kvKey('kv-apps', RACED_KEY)!;
      expect(key.currentVersion).toBe(1);
      expect(key.versions).toHaveLength(1);
      expect(key.versions[0].data).toEqual({ value: OTHER_WRITERS_VALUE });

      // Reported as left alone, in the outputs, the log and the checkpoint.
      expect(itemFor(run, RACED_KEY)).toMatchObject({
        kind: 'secret',
        name: RACED_KEY,
        detail: 'created by someone else meanwhile, left alone',
      });
      expect(run.logs.join('\n')).toContain(
        `secret ${RACED_KEY}: created by someone else meanwhile, left alone`,
      );
      expect(run.checkpoints).toContain(
        JSON.stringify({
          key: `haven-vault-secret-${RACED_KEY}`,
          result: 'created by someone else meanwhile, left alone',
        }),
      );

      // The other secret and the role were still provisioned.
      const generated = double.state.kvKey(
        'kv-apps',
        `${APP_PATH}/webui-secret-key`,
      )!;
      expect(generated.currentVersion).toBe(1);
      expect(itemFor(run, `${APP_PATH}/webui-secret-key`)).toMatchObject({
        detail: 'created, version 1',
      });
      expect(
        double.state.kubernetesRole('haven-voorbeeld.open-webui'),
      ).toBeDefined();

      // No value anywhere a person or a later step could read.
      const seen = visible(run);
      expect(seen).not.toContain(OTHER_WRITERS_VALUE);
      expect(seen).not.toContain(SUPPLIED);
      expect(seen).not.toContain(
        (generated.versions[0].data as { value: string }).value,
      );

      // A re-run now sees the key and reports it as it is: exists, version 1.
      const again = await runAction(
        havenConfig({ address: VAULT, token, perApp: false }),
        input,
        { secrets },
      );
      expect(again.error).toBeUndefined();
      expect(itemFor(again, RACED_KEY)).toMatchObject({
        action: 'exists',
        detail: 'exists, version 1, left alone',
      });
      expect(
        double.state.kvKey('kv-apps', RACED_KEY)!.versions[0].data,
      ).toEqual({ value: OTHER_WRITERS_VALUE });
    },
  );
});
