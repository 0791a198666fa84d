/*
 * What a Vault administrator sets up once for Haven+ (README.md, "Vault"):
 * Backstage's own least-privilege policy and the shared identity-templated
 * policy of the templated mode. The sandbox seeds its Vault double with these,
 * and the action tests run with exactly these rights, so the README's policies
 * are the ones proven to work.
 */

/** Backstage's own policy, as README.md "Vault policy for Backstage" gives it. */
export function backstageVaultPolicy(opts: {
  kvMount: string;
  kubernetesAuthMount: string;
  pathPrefix: string;
  perApp: boolean;
}): string {
  const { kvMount, kubernetesAuthMount, pathPrefix } = opts;
  return [
    'path "sys/mounts" { capabilities = ["read"] }',
    'path "sys/auth" { capabilities = ["read"] }',
    'path "sys/policies/acl/haven-apps" { capabilities = ["read"] }',
    // A role may bind only the shared (or, per-app, an app's) policy, always
    // with the audience: Vault's allowed_parameters on the role path.
    `path "auth/${kubernetesAuthMount}/role/haven-*" {`,
    '  capabilities = ["create", "update", "read"]',
    '  allowed_parameters = {',
    `    "token_policies" = ["${opts.perApp ? 'haven-app-*' : 'haven-apps'}"]`,
    '    "audience" = ["vault"]',
    '    "bound_service_account_names" = []',
    '    "bound_service_account_namespaces" = []',
    '    "token_ttl" = []',
    '    "token_max_ttl" = []',
    '  }',
    '}',
    `path "${kvMount}/data/${pathPrefix}/*" { capabilities = ["create"] }`,
    `path "${kvMount}/metadata/${pathPrefix}/*" { capabilities = ["read", "list"] }`,
    ...(opts.perApp
      ? [
          'path "sys/policies/acl/haven-app-*" { capabilities = ["create", "update", "read"] }',
        ]
      : []),
  ].join('\n');
}

/**
 * The shared templated policy (README.md "Policy modes"): each app reads only
 * the path named after its service account's namespace. `accessor` is the
 * Kubernetes auth mount's accessor from `GET sys/auth` (contracts.md 7.4).
 */
export function templatedAppsPolicy(opts: {
  kvMount: string;
  pathPrefix: string;
  accessor: string;
}): string {
  const ns = `{{identity.entity.aliases.${opts.accessor}.metadata.service_account_namespace}}`;
  return [
    `path "${opts.kvMount}/data/${opts.pathPrefix}/${ns}/*" { capabilities = ["read"] }`,
    `path "${opts.kvMount}/metadata/${opts.pathPrefix}/${ns}/*" { capabilities = ["read", "list"] }`,
  ].join('\n');
}

/**
 * Backstage's second policy, for day two (README.md "Vault policy for day
 * two"): `update` on the app paths' data/ to rotate a generated secret,
 * `delete` on the roles (and, per-app, the policies) it made to decommission
 * an app, and, only where users may delete an app's secrets, `delete` on the
 * app paths' metadata/. Vault merges it with backstageVaultPolicy: the same
 * path in two policies gets the union of their capabilities.
 */
export function backstageDayTwoVaultPolicy(opts: {
  kvMount: string;
  kubernetesAuthMount: string;
  pathPrefix: string;
  perApp: boolean;
  deleteSecrets: boolean;
}): string {
  const { kvMount, kubernetesAuthMount, pathPrefix } = opts;
  return [
    `path "${kvMount}/data/${pathPrefix}/*" { capabilities = ["update"] }`,
    `path "auth/${kubernetesAuthMount}/role/haven-*" { capabilities = ["delete"] }`,
    ...(opts.perApp
      ? ['path "sys/policies/acl/haven-app-*" { capabilities = ["delete"] }']
      : []),
    ...(opts.deleteSecrets
      ? [
          `path "${kvMount}/metadata/${pathPrefix}/*" { capabilities = ["delete"] }`,
        ]
      : []),
  ].join('\n');
}
