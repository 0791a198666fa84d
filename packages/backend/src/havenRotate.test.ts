import {
  coreServices,
  createServiceFactory,
  type BackstageCredentials,
  type BackstageUserPrincipal,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { type KubernetesObject } from '@haven-plus/haven-doubles';
import {
  SANDBOX_DOUBLES,
  startSandboxDoubles,
  type RunningSandbox,
} from '@haven-plus/haven-sandbox';
import havenBackendPlugin from '@haven-plus/plugin-haven-backend';
import scaffolderHavenModule from '@haven-plus/plugin-scaffolder-backend-module-haven';
import { appEntity, readTemplate } from './reliability/engineHarness';
import {
  awaitTask,
  backendBaseUrl,
  backendRequest,
  SANDBOX_GITOPS_CONFIG,
  sandboxVaultConfig,
  type BackendRequest,
} from './reliability/testBackend';

/*
 * "Rotate a secret of a Haven+ service" through Backstage's real scaffolder
 * engine, with the haven backend's Sync now route behind its permission,
 * against the sandbox's doubles on loopback: Vault, the cluster and ESO's
 * stand-in (packages/haven-sandbox/src/kubernetes/actionReactor.ts).
 */

jest.setTimeout(90_000);

const template = readTemplate('haven-rotate-secret');
const APP = 'open-webui-voorbeeld';
const ENTITY_REF = `component:default/${APP}`;
const SECRET = 'webui-secret-key';
const v = SANDBOX_DOUBLES.vault;
const KV_PATH = `${v.pathPrefix}/${APP}/${APP}/${SECRET}`;
const ES_PATH = `/apis/external-secrets.io/v1/namespaces/${APP}/externalsecrets/${APP}-vault`;
/** The one user whom the permission policy refuses haven.entity.secrets.sync. */
const NO_SYNC = 'user:default/no-sync';

/** The sandbox entity, as examples/entities.yaml has it. */
const entity = appEntity(APP, {
  lifecycle: 'production',
  annotations: {
    'haven.plus/vault-secret-names': 'webui-secret-key,openai-api-key',
  },
});

/** Allows everything but haven.entity.secrets.sync for NO_SYNC. */
const permissions: PermissionsService = {
  async authorize(requests, options) {
    const user = (
      options.credentials as BackstageCredentials<BackstageUserPrincipal>
    ).principal?.userEntityRef;
    return requests.map(r => ({
      result:
        r.permission.name === 'haven.entity.secrets.sync' && user === NO_SYNC
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })) as never;
  },
  async authorizeConditional(requests) {
    return requests.map(() => ({ result: AuthorizeResult.ALLOW })) as never;
  },
};

let doubles: RunningSandbox;
let request: BackendRequest;

async function runRotate(user?: string) {
  const created = await request(
    'POST',
    '/api/scaffolder/v2/tasks',
    {
      templateRef: 'template:default/haven-rotate-secret',
      values: {
        entity: ENTITY_REF,
        cluster: 'haven-sandbox',
        secretName: SECRET,
        kind: 'alphanumeric',
        length: 48,
      },
      secrets: {},
    },
    user,
  );
  expect(created.status).toBe(201);
  return awaitTask(request, created.json.id);
}

/** Test-only, as root: the secret's current value and version, to look for leaks. */
async function vaultSecret(): Promise<{ value: string; version: number }> {
  const res = await fetch(
    `${doubles.urls.vault}/v1/${v.kvMount}/data/${KV_PATH}`,
    {
      headers: { 'x-vault-token': v.rootToken },
    },
  );
  const body = await res.json();
  return { value: body.data.data.value, version: body.data.metadata.version };
}

async function vaultWrites(): Promise<number> {
  const res = await fetch(
    `${doubles.urls.vault}/v1/${v.kvMount}/metadata/${KV_PATH}`,
    { headers: { 'x-vault-token': v.rootToken } },
  );
  return (await res.json()).data.current_version;
}

async function externalSecret(): Promise<
  KubernetesObject & {
    metadata: { annotations?: Record<string, string> };
    status: any;
  }
> {
  const res = await fetch(`${doubles.urls.kubernetes}${ES_PATH}`, {
    headers: {
      authorization: `Bearer ${SANDBOX_DOUBLES.kubernetes.token}`,
    },
  });
  return res.json();
}

/** ESO's stand-in reacts within about a second of the PATCH. */
async function refreshedAfter(time: number) {
  for (let i = 0; i < 50; i++) {
    const es = await externalSecret();
    if (Date.parse(es.status.refreshTime) >= Math.floor(time / 1000) * 1000) {
      return es;
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('the ExternalSecret was not re-synced');
}

beforeAll(async () => {
  doubles = await startSandboxDoubles({ anyPort: true });
  // The sandbox's Backstage token holds README's two policies: seeding,
  // and day two (update on the app paths' data/ for the rotation).

  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderHavenModule,
      havenBackendPlugin,
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => permissions,
      }),
      catalogServiceMock.factory({
        entities: [template, entity] as never[],
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: SANDBOX_DOUBLES.kubernetes.clusterName,
                    url: doubles.urls.kubernetes,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: SANDBOX_DOUBLES.kubernetes.token,
                  },
                ],
              },
            ],
          },
          haven: {
            // Every read of the entity page sees Vault as it is now.
            entityPage: { cacheTtlSeconds: 0 },
            vault: sandboxVaultConfig(doubles.urls.vault),
            gitops: SANDBOX_GITOPS_CONFIG,
          },
        },
      }),
    ],
  });
  request = backendRequest(backendBaseUrl(server));
});

afterAll(async () => {
  await doubles?.stop();
});

describe('the haven-rotate-secret template in the scaffolder engine', () => {
  it('rotates v1 to v2 without showing the value, syncs the ExternalSecret, and the entity page shows v2', async () => {
    const before = await vaultSecret();
    expect(before.version).toBe(1);
    const started = Date.now();

    const run = await runRotate();
    expect([run.status, run.log]).toEqual(['completed', expect.any(String)]);
    const after = await vaultSecret();
    expect(after.version).toBe(2);
    expect(after.value).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(run.log).not.toContain(after.value);
    expect(run.log).not.toContain(before.value);
    expect(JSON.stringify(run.task)).not.toContain(after.value);
    expect(run.log).toContain(`version 1 -> 2`);
    expect(run.log).toContain(
      `Asked ESO to sync ExternalSecret ${APP}/${APP}-vault in cluster haven-sandbox`,
    );

    // The cluster: the force-sync annotation, and ESO's new refreshTime.
    const es = await refreshedAfter(started);
    expect(es.metadata.annotations?.['force-sync']).toEqual(expect.any(String));
    // The entity page's Vault section: the new version.
    const page = await request(
      'GET',
      `/api/haven/entities/component/default/${APP}/telemetry?window=1h`,
    );
    expect(page.status).toBe(200);
    expect(page.json.vault.status).toBe('ok');
    expect(
      page.json.vault.secrets.find((s: any) => s.name === SECRET)?.version,
    ).toBe(2);
  });

  it('refuses the sync to a user without the permission, and a retry of that task writes no second version', async () => {
    const from = await vaultWrites();
    const refused = await runRotate(NO_SYNC);
    expect(refused.status).toBe('failed');
    // The rotation itself happened (Vault allows Backstage, not the user);
    // the sync was refused by the route's permission.
    expect(await vaultWrites()).toBe(from + 1);
    expect(refused.log).toContain(
      `You may not sync ExternalSecret ${APP}/${APP}-vault in cluster haven-sandbox of ${ENTITY_REF}`,
    );
    expect(refused.log).toContain('haven.entity.secrets.sync');
    const { value } = await vaultSecret();
    expect(refused.log).not.toContain(value);

    // The same task again, by a user who may sync: its rotation is a
    // checkpoint, so Vault keeps the one new version; the sync goes through.
    const retried = await request(
      'POST',
      `/api/scaffolder/v2/tasks/${refused.id}/retry`,
      { secrets: {} },
    );
    expect(retried.status).toBe(201);
    const done = await awaitTask(request, refused.id);
    expect(done.status).toBe('completed');
    expect(await vaultWrites()).toBe(from + 1);
    expect((await vaultSecret()).value).toBe(value);
  });
});
