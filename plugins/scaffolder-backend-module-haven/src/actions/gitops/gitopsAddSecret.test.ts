import fs from 'node:fs';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { ConfigReader } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  createGitHubDouble,
  setupDoubleServer,
} from '@haven-plus/haven-doubles';
import {
  expectValidManifests,
  loadManifestValidator,
} from '@haven-plus/haven-test-utils';
import { parseDocument } from 'yaml';
import { createGitopsAddSecretAction } from './gitopsAddSecret';
import {
  gitopsConfigs,
  OPEN_WEBUI_INPUT,
  readTree,
  run,
  runRender,
} from './__testUtils__/gitopsHarness';

const API = 'https://api.github.test';
const TOKEN = 'github-token-for-tests-5e1d';
const DIR = 'apps/haven-sandbox/open-webui-voorbeeld';
const server = setupDoubleServer();

/** The fleet repository after open-webui-voorbeeld's pull request was merged. */
async function fleetWithApp(edit?: (files: Record<string, string>) => void) {
  const rendered = createMockDirectory();
  await runRender(gitopsConfigs(), OPEN_WEBUI_INPUT, rendered.path);
  const files = readTree(`${rendered.path}/fleet`);
  edit?.(files);
  const double = createGitHubDouble({
    baseUrl: API,
    token: TOKEN,
    repositories: [{ owner: 'haven-fleet', name: 'fleet', files }],
  });
  server.use(...double.handlers);
  return { double, files };
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
  createGitopsAddSecretAction({ ...gitopsConfigs(), reader });
const INPUT = {
  component: 'open-webui-voorbeeld',
  cluster: 'haven-sandbox',
  namespace: 'voorbeeld',
  secret: { name: 'anthropic-api-key' },
};

describe('haven:gitops:add-secret', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  it("adds the key to the app's ExternalSecret and its variable to the HelmRelease, keeping the rest as it was", async () => {
    const { files } = await fleetWithApp();
    const result = await run(action(), INPUT, workspace.path, false);
    expect(result.error).toBeUndefined();
    expect(result.outputs).toMatchObject({
      changed: true,
      environment: 'sandbox',
      namespace: 'voorbeeld',
      pullRequestBranch:
        'haven/haven-sandbox/open-webui-voorbeeld/secret-anthropic-api-key',
      fleetRepoUrl: 'github.com?owner=haven-fleet&repo=fleet',
    });
    const out = readTree(`${workspace.path}/fleet`);
    expect(Object.keys(out).sort()).toEqual([
      `${DIR}/externalsecret.yaml`,
      `${DIR}/helmrelease.yaml`,
    ]);
    // The ExternalSecret: the old text plus exactly one new entry at the end.
    expect(out[`${DIR}/externalsecret.yaml`]).toBe(
      `${
        files[`${DIR}/externalsecret.yaml`]
      }    - secretKey: ANTHROPIC_API_KEY\n      remoteRef:\n        key: apps/voorbeeld/open-webui-voorbeeld/anthropic-api-key\n        property: value\n`,
    );
    // The HelmRelease: the variable sits after the other secrets, before the OTLP settings.
    const release = parseDocument(out[`${DIR}/helmrelease.yaml`]);
    expect(release.commentBefore).toBe(
      parseDocument(files[`${DIR}/helmrelease.yaml`]).commentBefore,
    );
    const env = (
      release.toJS().spec.values.extraEnvVars as Array<{ name: string }>
    ).map(e => e.name);
    expect(env).toEqual([
      'WEBUI_SECRET_KEY',
      'OPENAI_API_KEY',
      'ANTHROPIC_API_KEY',
      'OTEL_SERVICE_NAME',
      'OTEL_RESOURCE_ATTRIBUTES',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_PROTOCOL',
    ]);
    const validator = loadManifestValidator();
    for (const [file, text] of Object.entries(out)) {
      expectValidManifests(validator, text, file);
    }
  });

  it('reads an empty envValuesPath, as a form sends it, as the default extraEnvVars', async () => {
    await fleetWithApp();
    const result = await run(
      action(),
      { ...INPUT, envValuesPath: '' },
      workspace.path,
      false,
    );
    expect(result.error).toBeUndefined();
    const release = parseDocument(
      readTree(`${workspace.path}/fleet`)[`${DIR}/helmrelease.yaml`],
    ).toJS();
    expect(
      (release.spec.values.extraEnvVars as Array<{ name: string }>).map(
        e => e.name,
      ),
    ).toContain('ANTHROPIC_API_KEY');
  });

  it('changes nothing when the secret is already wired', async () => {
    await fleetWithApp();
    await run(action(), INPUT, workspace.path, false);
    const wired = readTree(`${workspace.path}/fleet`);
    workspace.clear();
    await fleetWithApp(files => Object.assign(files, wired));
    const again = await run(action(), INPUT, workspace.path, false);
    expect(again.error).toBeUndefined();
    expect(again.outputs.changed).toBe(false);
    expect(readTree(`${workspace.path}/fleet`)).toEqual(wired);
  });

  it('refuses a variable name the app already uses for another value', async () => {
    await fleetWithApp();
    const result = await run(
      action(),
      { ...INPUT, secret: { name: 'other-key', key: 'OPENAI_API_KEY' } },
      workspace.path,
      false,
    );
    expect(result.error).toBeInstanceOf(ConflictError);
    expect(result.error?.message).toMatch(/already maps OPENAI_API_KEY/);
    expect(readTree(workspace.path)).toEqual({});
  });

  it('says to create the app first when it is not in the fleet repository', async () => {
    await fleetWithApp();
    const result = await run(
      action(),
      { ...INPUT, component: 'not-delivered' },
      workspace.path,
      false,
    );
    expect(result.error).toBeInstanceOf(NotFoundError);
    expect(result.error?.message).toMatch(/Create a Haven\+ service/);
  });

  it('rejects a bad secret name or variable before reading anything', async () => {
    const { double } = await fleetWithApp();
    for (const secret of [{ name: '../x' }, { name: 'ok', key: 'NOT-OK' }]) {
      const result = await run(
        action(),
        { ...INPUT, secret },
        workspace.path,
        false,
      );
      expect(result.error).toBeInstanceOf(InputError);
    }
    expect(double.requests).toEqual([]);
    expect(fs.existsSync(`${workspace.path}/fleet`)).toBe(false);
  });
});
