/** Vault KV v2 key metadata (never the values). contracts.md 1.5. @public */
export interface KvMetadata {
  /** The newest version's number. */
  currentVersion: number;
  /** The oldest version still kept. */
  oldestVersion: number;
  /** When the key was created (RFC 3339). */
  createdTime: string;
  /** When the newest version was written (RFC 3339). */
  updatedTime: string;
  /** Whether writes must carry check-and-set. */
  casRequired: boolean;
  /** Per version number: when it was written, and whether it is deleted or destroyed. */
  versions: Record<
    string,
    { createdTime: string; deletionTime: string; destroyed: boolean }
  >;
}

/** A Kubernetes-auth role as Haven+ writes it. contracts.md 1.6. @public */
export interface KubernetesAuthRole {
  /** Service accounts that may log in with the role. */
  boundServiceAccountNames: string[];
  /** Namespaces those service accounts are in. */
  boundServiceAccountNamespaces: string[];
  /** The `aud` the service-account token must carry. */
  audience?: string;
  /** Policies the issued token gets. */
  tokenPolicies: string[];
  /** Seconds. */
  tokenTtl: number;
  /** Seconds. */
  tokenMaxTtl: number;
}

/** One secrets-engine or auth mount from sys/mounts or sys/auth. contracts.md 1.2, 1.3. @public */
export interface VaultMount {
  /** Mount path without its trailing slash, e.g. `kv-apps`. */
  path: string;
  /** Engine or auth method, e.g. `kv`, `kubernetes`. */
  type: string;
  /** The mount's accessor, e.g. `auth_kubernetes_1a2b3c4d`. */
  accessor: string;
  /** KV version ("1" or "2") for kv mounts. */
  version?: string;
}

/** What lookup-self tells about the token in use (never the token). @public */
export interface VaultTokenInfo {
  /** The token's policies. */
  policies: string[];
  /** Seconds left; 0 for a token without expiry. */
  ttl: number;
  /** Whether the token can be renewed. */
  renewable: boolean;
}

/** How Backstage itself signs in to Vault. @public */
export type VaultAuthOptions =
  | { method: 'token'; token: string }
  | { method: 'approle'; mount?: string; roleId: string; secretId: string }
  | {
      method: 'kubernetes';
      mount?: string;
      role: string;
      /** Reads the service-account JWT (a projected token file is re-read each login). */
      jwt: () => Promise<string>;
    };

/** Where one environment's apps keep their secrets and roles. @public */
export interface HavenVaultEnvironment {
  /** KV v2 mount, e.g. `kv-apps`. */
  kvMount: string;
  /** Kubernetes auth mount of the environment's cluster, e.g. `kubernetes-prod`. */
  kubernetesAuthMount: string;
  /** Folder inside the mount; app paths are `<prefix>/<namespace>/<app>`. */
  pathPrefix?: string;
}

/** The `haven.vault` configuration, read and checked once. @public */
export interface HavenVaultConfig {
  /** Vault's address, without `/v1`. */
  address: string;
  /** Vault Enterprise / OpenBao namespace (`X-Vault-Namespace`). */
  namespace?: string;
  /** Base URL of the Vault UI for links in task outputs (default: the address). */
  uiUrl: string;
  /** How Backstage signs in to Vault. */
  auth: VaultAuthOptions;
  /** `templated`: one shared identity-templated policy; `per-app`: a policy per app. */
  policyMode: 'templated' | 'per-app';
  /** templated mode: the shared policy's name. */
  templatedPolicy: string;
  /** per-app mode: prefix of the policies Backstage writes. */
  policyPrefix: string;
  /** Prefix of the Kubernetes-auth role names. */
  rolePrefix: string;
  /** The `aud` the apps' service-account tokens carry. */
  audience: string;
  /** Role token TTL in seconds. */
  tokenTtl: number;
  /** Role token max TTL in seconds. */
  tokenMaxTtl: number;
  /** Where each environment's apps keep secrets and roles, by environment name. */
  environments: Record<string, HavenVaultEnvironment>;
}
