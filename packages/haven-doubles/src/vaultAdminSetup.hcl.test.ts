/*
 * The HCL policies Haven+ hands to Vault administrators (README.md, "Vault")
 * and to the Vault double (vaultAdminSetup.ts), read by HashiCorp's own HCL
 * parser (github.com/hashicorp/hcl, compiled to WebAssembly in
 * @cdktf/hcl2json) and by the double's parser (vault/policy.ts). Both must
 * read every policy, and read it the same way, so the double's ACL is proven
 * against policies that a real HCL parser agrees with.
 *
 * Note: hcl2json uses HCL 2 native syntax, Vault parses policies with HCL 1.
 * For the block/attribute/list/object shapes our policies use the two read the
 * same; HCL 2 is the stricter of the two (e.g. it refuses two attributes in a
 * one-line block), so a text it accepts is a safe text to hand out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as hcl2json } from '@cdktf/hcl2json';
import { findRepoRoot } from '@haven-plus/haven-test-utils';
import { parsePolicy } from './vault/policy';
import {
  backstageDayTwoVaultPolicy,
  backstageVaultPolicy,
  templatedAppsPolicy,
} from './vaultAdminSetup';

/** What a policy grants, per path: the part both parsers must agree on. */
type Grants = Record<
  string,
  {
    capabilities: string[];
    allowed_parameters?: Record<string, unknown[]>;
    denied_parameters?: Record<string, unknown[]>;
    required_parameters?: string[];
  }
>;

const POLICY_KEYS = new Set(['path', 'name']);
const COMPARED_KEYS = new Set([
  'capabilities',
  'allowed_parameters',
  'denied_parameters',
  'required_parameters',
]);
/** Keys the double accepts and does not enforce: not compared. */
const IGNORED_KEYS = new Set([
  'comment',
  'min_wrapping_ttl',
  'max_wrapping_ttl',
  'mfa_methods',
  'control_group',
  'subscribe_event_types',
]);

/** hcl2json's reading: `{ path: { "<p>": [ { capabilities, … } ] } }`. */
async function grantsByHashiCorp(text: string, file: string): Promise<Grants> {
  const json = await hcl2json(file, text);
  for (const key of Object.keys(json)) {
    if (!POLICY_KEYS.has(key)) {
      throw new Error(`${file}: top-level key "${key}" is not a policy key`);
    }
  }
  const grants: Grants = {};
  for (const [p, bodies] of Object.entries(
    (json.path ?? {}) as Record<string, Array<Record<string, unknown>>>,
  )) {
    if (!Array.isArray(bodies) || bodies.length !== 1) {
      throw new Error(
        `${file}: path "${p}" is declared ${
          Array.isArray(bodies) ? bodies.length : 'an unexpected number of'
        } times`,
      );
    }
    const grant: Grants[string] = { capabilities: [] };
    for (const [key, value] of Object.entries(bodies[0])) {
      if (IGNORED_KEYS.has(key)) continue;
      if (!COMPARED_KEYS.has(key)) {
        throw new Error(`${file}: path "${p}" has unknown key "${key}"`);
      }
      (grant as Record<string, unknown>)[key] = value;
    }
    grants[p] = grant;
  }
  return grants;
}

/** The double's reading of the same text. */
function grantsByDouble(text: string): Grants {
  const grants: Grants = {};
  for (const rule of parsePolicy(text).rules) {
    if (rule.path in grants) {
      throw new Error(`path "${rule.path}" is declared twice`);
    }
    grants[rule.path] = {
      capabilities: rule.capabilities,
      ...(rule.allowedParameters && {
        allowed_parameters: rule.allowedParameters,
      }),
      ...(rule.deniedParameters && {
        denied_parameters: rule.deniedParameters,
      }),
      ...(rule.requiredParameters && {
        required_parameters: rule.requiredParameters,
      }),
    };
  }
  return grants;
}

function readmeHclBlocks(): string[] {
  const readme = fs.readFileSync(
    path.join(findRepoRoot(__dirname), 'README.md'),
    'utf8',
  );
  return [...readme.matchAll(/^```hcl[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm)].map(
    m => m[1],
  );
}

/** The mounts and accessor of app-config.yaml's sandbox Vault (haven.vault). */
const v = {
  kvMount: 'kv-apps',
  kubernetesAuthMount: 'kubernetes',
  pathPrefix: 'apps',
  kubernetesAuthAccessor: 'auth_kubernetes_5a4d1b2c',
};
/** The policies as the sandbox (and the action tests) seed the double with them. */
const adminPolicies: Array<[string, string]> = [
  [
    'backstageVaultPolicy (templated mode)',
    backstageVaultPolicy({
      kvMount: v.kvMount,
      kubernetesAuthMount: v.kubernetesAuthMount,
      pathPrefix: v.pathPrefix,
      perApp: false,
    }),
  ],
  [
    'backstageVaultPolicy (per-app mode)',
    backstageVaultPolicy({
      kvMount: v.kvMount,
      kubernetesAuthMount: v.kubernetesAuthMount,
      pathPrefix: v.pathPrefix,
      perApp: true,
    }),
  ],
  [
    'templatedAppsPolicy',
    templatedAppsPolicy({
      kvMount: v.kvMount,
      pathPrefix: v.pathPrefix,
      accessor: v.kubernetesAuthAccessor,
    }),
  ],
  [
    'backstageDayTwoVaultPolicy (per-app, secrets too)',
    backstageDayTwoVaultPolicy({
      kvMount: v.kvMount,
      kubernetesAuthMount: v.kubernetesAuthMount,
      pathPrefix: v.pathPrefix,
      perApp: true,
      deleteSecrets: true,
    }),
  ],
];

describe('README.md hcl blocks, read by HashiCorp HCL (hcl2json)', () => {
  const blocks = readmeHclBlocks();

  it('has at least the two policies of the "Vault" section', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  it.each(blocks.map((text, i) => [i + 1, text]))(
    'block %i parses, and the double reads the same grants from it',
    async (i, text) => {
      const file = `README-block-${i}.hcl`;
      const byHashiCorp = await grantsByHashiCorp(text as string, file);
      expect(Object.keys(byHashiCorp).length).toBeGreaterThan(0);
      expect(grantsByDouble(text as string)).toEqual(byHashiCorp);
    },
  );

  it('an hcl2json that accepts anything would fail this suite', async () => {
    await expect(
      hcl2json('broken.hcl', 'path "x" { capabilities = ["read" }'),
    ).rejects.toThrow(/broken\.hcl/);
  });

  it("README's shared templated policy is what templatedAppsPolicy produces", async () => {
    const readme = readmeHclBlocks().find(b => b.includes('{{identity.'));
    expect(readme).toBeDefined();
    const generated = templatedAppsPolicy({
      kvMount: 'kv-apps',
      pathPrefix: 'apps',
      accessor: 'auth_kubernetes_XXXX',
    });
    expect(await grantsByHashiCorp(generated, 'generated.hcl')).toEqual(
      await grantsByHashiCorp(readme!, 'README.hcl'),
    );
  });

  it("README's Backstage policy is exactly backstageVaultPolicy, allowed_parameters included", async () => {
    // backstageVaultPolicy is what the double and the action tests run with.
    const readme = readmeHclBlocks().find(b => b.includes('sys/mounts'));
    expect(readme).toBeDefined();
    const generated = backstageVaultPolicy({
      kvMount: 'kv-apps',
      kubernetesAuthMount: 'kubernetes-prod',
      pathPrefix: 'apps',
      perApp: false,
    });
    expect(await grantsByHashiCorp(generated, 'generated.hcl')).toEqual(
      await grantsByHashiCorp(readme!, 'README.hcl'),
    );
  });

  it("README's day-two policy is exactly backstageDayTwoVaultPolicy (templated mode, secrets too)", async () => {
    const readme = readmeHclBlocks().find(b =>
      b.includes('capabilities = ["delete"]'),
    );
    expect(readme).toBeDefined();
    const generated = backstageDayTwoVaultPolicy({
      kvMount: 'kv-apps',
      kubernetesAuthMount: 'kubernetes-prod',
      pathPrefix: 'apps',
      perApp: false,
      deleteSecrets: true,
    });
    expect(await grantsByHashiCorp(generated, 'generated.hcl')).toEqual(
      await grantsByHashiCorp(readme!, 'README.hcl'),
    );
  });
});

describe('vaultAdminSetup policies, read by HashiCorp HCL and by the double', () => {
  it.each(adminPolicies)(
    '%s: both parsers read the same grants',
    async (name, text) => {
      const byHashiCorp = await grantsByHashiCorp(text, `${name}.hcl`);
      expect(grantsByDouble(text)).toEqual(byHashiCorp);
    },
  );

  it('the grants are the ones README.md documents', async () => {
    const [templated, perApp, apps] = await Promise.all(
      adminPolicies.map(([name, text]) =>
        grantsByHashiCorp(text, `${name}.hcl`),
      ),
    );
    const kv = `${v.kvMount}`;
    const backstage = {
      'sys/mounts': { capabilities: ['read'] },
      'sys/auth': { capabilities: ['read'] },
      'sys/policies/acl/haven-apps': { capabilities: ['read'] },
      [`auth/${v.kubernetesAuthMount}/role/haven-*`]: {
        capabilities: ['create', 'update', 'read'],
        allowed_parameters: {
          token_policies: ['haven-apps'],
          audience: ['vault'],
          bound_service_account_names: [],
          bound_service_account_namespaces: [],
          token_ttl: [],
          token_max_ttl: [],
        },
      },
      [`${kv}/data/${v.pathPrefix}/*`]: { capabilities: ['create'] },
      [`${kv}/metadata/${v.pathPrefix}/*`]: {
        capabilities: ['read', 'list'],
      },
    };
    expect(templated).toEqual(backstage);
    const rolePath = `auth/${v.kubernetesAuthMount}/role/haven-*`;
    expect(perApp).toEqual({
      ...backstage,
      [rolePath]: {
        ...backstage[rolePath],
        allowed_parameters: {
          ...backstage[rolePath].allowed_parameters,
          token_policies: ['haven-app-*'],
        },
      },
      'sys/policies/acl/haven-app-*': {
        capabilities: ['create', 'update', 'read'],
      },
    });
    const ns = `{{identity.entity.aliases.${v.kubernetesAuthAccessor}.metadata.service_account_namespace}}`;
    expect(apps).toEqual({
      [`${kv}/data/${v.pathPrefix}/${ns}/*`]: { capabilities: ['read'] },
      [`${kv}/metadata/${v.pathPrefix}/${ns}/*`]: {
        capabilities: ['read', 'list'],
      },
    });
  });
});
