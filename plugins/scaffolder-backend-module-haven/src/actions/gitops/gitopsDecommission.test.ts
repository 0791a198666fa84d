import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { ConfigReader } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  createGitHubDouble,
  setupDoubleServer,
} from '@haven-plus/haven-doubles';
import yaml from 'yaml';
import { createGitopsDecommissionAction } from './gitopsDecommission';
import { examples } from './gitopsDecommission.examples';
import {
  gitopsConfigs,
  OPEN_WEBUI_INPUT,
  readTree,
  run,
  runRender,
} from './__testUtils__/gitopsHarness';

const API = 'https://api.github.test';
const TOKEN = 'github-token-for-tests-9a4c';
const APP = 'open-webui-voorbeeld';
const DIR = `apps/haven-sandbox/${APP}`;
const LIST = 'clusters/haven-sandbox/apps/kustomization.yaml';
const server = setupDoubleServer();

/** The cluster's app list as a person keeps it: comments, odd spacing, blank lines. */
const HAND_KEPT_LIST = `# Apps of haven-sandbox.   Keep them sorted, more or less.
apiVersion: kustomize.config.k8s.io/v1beta1
kind:   Kustomization

resources:
  - infrastructure.yaml    # first

  - ${APP}.yaml   # customer voorbeeld
  # - retired.yaml
  - other-app.yaml


`;

const CATALOG_INFO = `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${APP}\n`;

/** The fleet repository after open-webui-voorbeeld's pull request was merged. */
async function fleetWithApp(edit?: (files: Record<string, string>) => void) {
  const rendered = createMockDirectory();
  const render = await runRender(
    gitopsConfigs(),
    OPEN_WEBUI_INPUT,
    rendered.path,
  );
  expect(render.error).toBeUndefined();
  const files = {
    ...readTree(`${rendered.path}/fleet`),
    [LIST]: HAND_KEPT_LIST,
    [`${DIR}/catalog-info.yaml`]: CATALOG_INFO,
    'apps/haven-sandbox/other-app/kustomization.yaml': 'resources: []\n',
  };
  edit?.(files);
  const double = createGitHubDouble({
    baseUrl: API,
    token: TOKEN,
    repositories: [{ owner: 'haven-fleet', name: 'fleet', files }],
  });
  server.use(...double.handlers);
  return { double, files, rendered: render.outputs.files as string[] };
}

const reader = UrlReaders.default({
  config: new ConfigReader({
    integrations: {
      github: [{ host: 'github.com', apiBaseUrl: API, token: TOKEN }],
    },
  }),
  logger: mockServices.logger.mock(),
});
const action = () =>
  createGitopsDecommissionAction({ ...gitopsConfigs(), reader });
const INPUT = {
  component: APP,
  cluster: 'haven-sandbox',
  namespace: 'voorbeeld',
};

describe('haven:gitops:decommission', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  it("takes only the app's line out of the cluster's list and lists every file Create wrote for deletion", async () => {
    const { rendered } = await fleetWithApp();
    const result = await run(action(), INPUT, workspace.path, false);
    expect(result.error).toBeUndefined();
    expect(result.outputs).toMatchObject({
      changed: true,
      environment: 'sandbox',
      namespace: 'voorbeeld',
      files: [LIST],
      fleetRepoUrl: 'github.com?owner=haven-fleet&repo=fleet',
      fleetProvider: 'github',
      fleetBranch: 'main',
      pullRequestBranch: `haven/haven-sandbox/${APP}/decommission`,
      catalogInfoUrl: `https://github.com/haven-fleet/fleet/blob/main/${DIR}/catalog-info.yaml`,
    });
    // Exactly the files render wrote, and the catalog-info.yaml beside them.
    expect([...(result.outputs.filesToDelete as string[])].sort()).toEqual(
      [...rendered, `${DIR}/catalog-info.yaml`].sort(),
    );
    expect(result.outputs.filesToDelete).not.toContain(
      'apps/haven-sandbox/other-app/kustomization.yaml',
    );
    // The one line, nothing else: comments, spacing and blank lines kept.
    const out = readTree(`${workspace.path}/fleet`);
    expect(Object.keys(out)).toEqual([LIST]);
    expect(out[LIST]).toBe(
      HAND_KEPT_LIST.replace(`  - ${APP}.yaml   # customer voorbeeld\n`, ''),
    );
  });

  it('is already gone once the pull request was merged: nothing written, nothing to delete', async () => {
    await fleetWithApp(files => {
      files[LIST] = HAND_KEPT_LIST.replace(
        `  - ${APP}.yaml   # customer voorbeeld\n`,
        '',
      );
      for (const path of Object.keys(files)) {
        if (path.startsWith(`${DIR}/`) || path.endsWith(`/${APP}.yaml`))
          delete files[path];
      }
    });
    const result = await run(
      action(),
      {
        ...INPUT,
        catalogLocation: `url:https://github.com/haven-fleet/fleet/blob/main/${DIR}/catalog-info.yaml`,
      },
      workspace.path,
      false,
    );
    expect(result.error).toBeUndefined();
    expect(result.outputs).toMatchObject({
      changed: false,
      files: [],
      filesToDelete: [],
    });
    expect(readTree(`${workspace.path}/fleet`)).toEqual({});
    expect(result.logs.join('\n')).toContain('already gone');
  });

  it('refuses an app whose catalog entity comes from elsewhere and that is not on the cluster', async () => {
    await fleetWithApp();
    const result = await run(
      action(),
      {
        component: 'payments',
        cluster: 'haven-sandbox',
        catalogLocation:
          'url:https://github.com/shop/payments/blob/main/catalog-info.yaml',
      },
      workspace.path,
      false,
    );
    expect(result.error).toBeInstanceOf(InputError);
    expect(result.error?.message).toContain(
      'payments is not on cluster haven-sandbox',
    );
    expect(readTree(`${workspace.path}/fleet`)).toEqual({});
  });

  it('still deletes the files when the entry was already taken out by hand', async () => {
    await fleetWithApp(files => {
      files[LIST] = 'resources:\n  - other-app.yaml\n';
    });
    const result = await run(action(), INPUT, workspace.path, false);
    expect(result.error).toBeUndefined();
    expect(result.outputs.changed).toBe(true);
    expect(result.outputs.files).toEqual([]);
    expect(result.outputs.filesToDelete).toContain(
      `clusters/haven-sandbox/apps/${APP}.yaml`,
    );
  });

  it('leaves alone what the folder lists outside itself, and skips a listed file that is missing', async () => {
    await fleetWithApp(files => {
      files[`${DIR}/kustomization.yaml`] =
        'resources:\n  - namespace.yaml\n  - ../shared/config.yaml\n  - https://example.com/x.yaml\n  - gone.yaml\n';
    });
    const result = await run(action(), INPUT, workspace.path, false);
    expect(result.error).toBeUndefined();
    expect(result.outputs.filesToDelete).toEqual([
      `clusters/haven-sandbox/apps/${APP}.yaml`,
      `${DIR}/namespace.yaml`,
      `${DIR}/kustomization.yaml`,
      `${DIR}/catalog-info.yaml`,
    ]);
    const logs = result.logs.join('\n');
    expect(logs).toContain('../shared/config.yaml');
    expect(logs).toContain('left alone');
    expect(logs).toContain(`${DIR}/gone.yaml is listed`);
  });

  it("takes the namespace from the app's Namespace, else from its entity's Vault path", async () => {
    await fleetWithApp();
    const fromFleet = await run(
      action(),
      { component: APP, cluster: 'haven-sandbox' },
      workspace.path,
      true,
    );
    expect(fromFleet.outputs.namespace).toBe('voorbeeld');

    await fleetWithApp(files => {
      files[LIST] = 'resources:\n  - other-app.yaml\n';
      for (const path of Object.keys(files)) {
        if (path.startsWith(`${DIR}/`) || path.endsWith(`/${APP}.yaml`))
          delete files[path];
      }
    });
    const gone = await run(
      action(),
      {
        component: APP,
        cluster: 'haven-sandbox',
        vaultSecretsPath: `apps/voorbeeld/${APP}`,
      },
      workspace.path,
      false,
    );
    expect(gone.error).toBeUndefined();
    expect(gone.outputs).toMatchObject({
      changed: false,
      namespace: 'voorbeeld',
    });
  });

  it('says when the cluster has no app list on the fleet branch', async () => {
    await fleetWithApp(files => {
      delete files[LIST];
    });
    const result = await run(action(), INPUT, workspace.path, false);
    expect(result.error).toBeInstanceOf(NotFoundError);
    expect(result.error?.message).toContain(`${LIST} is not on main`);
  });

  it('refuses an unknown cluster and a bad name before reading anything', async () => {
    const { double } = await fleetWithApp();
    const before = double.requests.length;
    const unknown = await run(
      action(),
      { ...INPUT, cluster: 'nope' },
      workspace.path,
      false,
    );
    expect(unknown.error).toBeInstanceOf(InputError);
    const bad = await run(
      action(),
      { ...INPUT, component: '../etc' },
      workspace.path,
      false,
    );
    expect(bad.error).toBeInstanceOf(InputError);
    expect(double.requests.length).toBe(before);
  });

  it.each(examples.map(e => [e.description, e] as const))(
    'example: %s',
    async (_d, example) => {
      await fleetWithApp();
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('haven:gitops:decommission');
      const result = await run(action(), step.input, workspace.path, true);
      expect(result.error).toBeUndefined();
      expect(result.outputs.changed).toBe(true);
    },
  );
});
