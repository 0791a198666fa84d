/*
 * The per-app policy the action writes (per-app mode) is a JSON document.
 * Vault's HCL 1 parser reads JSON policies as they are; @cdktf/hcl2json
 * (HashiCorp's HCL 2 native-syntax parser) does not read JSON at all, so the
 * document is checked with JSON.parse and the Vault double's policy parser,
 * and its HCL rendering with hcl2json.
 */
import { parse as hcl2json } from '@cdktf/hcl2json';
// The double's policy parser is not part of its package's index.
import { parsePolicy } from '@haven-plus/haven-doubles/src/vault/policy';
import { havenConfig } from './__testUtils__/harness';
import { desiredState } from './plan';
import { appReadPolicy, serialisePolicy } from './policy';

/** What the action writes for voorbeeld/open-webui in per-app mode. */
function writtenPolicy() {
  const desired = desiredState(
    havenConfig({
      address: 'https://vault.double.test',
      token: 'unused',
      perApp: true,
    }),
    {
      environment: 'sandbox',
      component: 'open-webui',
      namespace: 'voorbeeld',
      serviceAccount: 'open-webui',
      secretNames: ['webui-secret-key'],
    },
  );
  return {
    name: desired.policy!.name,
    text: serialisePolicy(desired.policy!.document),
  };
}

/** Exactly the app's paths: read on its data, read/list on its metadata. */
const APP_GRANTS = {
  'kv-apps/data/apps/voorbeeld/open-webui/*': ['read'],
  'kv-apps/metadata/apps/voorbeeld/open-webui/*': ['read', 'list'],
};

describe('the per-app JSON policy the action writes', () => {
  it('is built by appReadPolicy for the app path, under the per-app name', () => {
    const { name, text } = writtenPolicy();
    expect(name).toBe('haven-app-voorbeeld.open-webui');
    expect(text).toBe(
      serialisePolicy(appReadPolicy('kv-apps', 'apps/voorbeeld/open-webui')),
    );
  });

  it('is JSON with only a `path` key and exactly the app grants', () => {
    const doc = JSON.parse(writtenPolicy().text);
    expect(Object.keys(doc)).toEqual(['path']);
    expect(
      Object.fromEntries(
        Object.entries(
          doc.path as Record<string, { capabilities: string[] }>,
        ).map(([p, body]) => {
          expect(Object.keys(body)).toEqual(['capabilities']);
          return [p, body.capabilities];
        }),
      ),
    ).toEqual(APP_GRANTS);
  });

  it('the Vault double reads exactly the app grants from it', () => {
    const { rules } = parsePolicy(writtenPolicy().text);
    expect(rules).toEqual(
      Object.entries(APP_GRANTS).map(([path, capabilities]) => ({
        path,
        capabilities,
      })),
    );
  });

  it('hcl2json (HCL 2 native syntax) does not read JSON text', async () => {
    // Stated, not worked around: this is why the JSON text is checked with
    // JSON.parse and the double's parser above.
    await expect(
      hcl2json('haven-app.hcl', writtenPolicy().text),
    ).rejects.toThrow(/Argument or block definition required/);
  });

  it('rendered as HCL, HashiCorp HCL reads the same grants as the double reads from the JSON', async () => {
    const doc = JSON.parse(writtenPolicy().text) as {
      path: Record<string, { capabilities: string[] }>;
    };
    const hcl = Object.entries(doc.path)
      .map(
        ([p, body]) =>
          `path ${JSON.stringify(p)} {\n  capabilities = ${JSON.stringify(
            body.capabilities,
          )}\n}`,
      )
      .join('\n');
    const json = await hcl2json('haven-app.hcl', hcl);
    expect(Object.keys(json)).toEqual(['path']);
    const byHashiCorp = Object.fromEntries(
      Object.entries(
        json.path as Record<string, Array<{ capabilities: string[] }>>,
      ).map(([p, bodies]) => {
        expect(bodies).toHaveLength(1);
        return [p, bodies[0].capabilities];
      }),
    );
    const byDouble = Object.fromEntries(
      parsePolicy(writtenPolicy().text).rules.map(r => [
        r.path,
        r.capabilities,
      ]),
    );
    expect(byHashiCorp).toEqual(APP_GRANTS);
    expect(byDouble).toEqual(byHashiCorp);
  });
});
