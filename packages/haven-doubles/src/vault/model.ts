import type { Identity } from './policy';

/** One stored version of a KV v2 key. */
export interface KvVersion {
  data: Record<string, unknown> | null;
  createdTime: string;
  /** '' when not deleted (contracts.md 1.5). */
  deletionTime: string;
  destroyed: boolean;
}

/** A KV v2 key: its metadata and versions (contracts.md 1.5 metadata read). */
export interface KvKey {
  casRequired: boolean;
  maxVersions: number;
  deleteVersionAfter: string;
  customMetadata: Record<string, string> | null;
  createdTime: string;
  updatedTime: string;
  currentVersion: number;
  oldestVersion: number;
  versions: Map<number, KvVersion>;
}

/**
 * A KV v2 key just made, at `time`: no versions yet and no settings of its
 * own (0 and `0s` defer to the mount's config).
 */
export function newKvKey(time: string): KvKey {
  return {
    casRequired: false,
    maxVersions: 0,
    deleteVersionAfter: '0s',
    customMetadata: null,
    createdTime: time,
    updatedTime: time,
    currentVersion: 0,
    oldestVersion: 0,
    versions: new Map(),
  };
}

export interface KvConfig {
  casRequired: boolean;
  maxVersions: number;
  deleteVersionAfter: string;
}

export interface SecretMount {
  /** with trailing slash, e.g. `secret/` */
  path: string;
  type: string;
  /** `options.version` for kv mounts */
  version?: string;
  accessor: string;
  uuid: string;
  description: string;
  local: boolean;
  sealWrap: boolean;
  defaultLeaseTtl: number;
  maxLeaseTtl: number;
  /** present on KV v2 mounts */
  kv?: { config: KvConfig; keys: Map<string, KvKey> };
}

/** A Kubernetes auth role as the plugin stores it (contracts.md 1.6). */
export interface KubernetesRole {
  boundServiceAccountNames: string[];
  boundServiceAccountNamespaces: string[];
  boundServiceAccountNamespaceSelector: string;
  audience: string;
  aliasNameSource: string;
  tokenPolicies: string[];
  tokenTtl: number;
  tokenMaxTtl: number;
  tokenExplicitMaxTtl: number;
  tokenPeriod: number;
  tokenNumUses: number;
  tokenNoDefaultPolicy: boolean;
  tokenBoundCidrs: string[];
  tokenType: string;
  /** legacy fields, shown on read only when set (contracts.md 1.6) */
  legacy: {
    policies?: boolean;
    ttl?: boolean;
    maxTtl?: boolean;
    period?: boolean;
    numUses?: boolean;
    boundCidrs?: boolean;
  };
}

export interface AppRoleRole {
  roleName: string;
  roleId: string;
  secretId: string;
  policies: string[];
  ttlSeconds?: number;
}

export interface AuthMount {
  path: string;
  type: string;
  accessor: string;
  uuid: string;
  description: string;
  local: boolean;
  sealWrap: boolean;
  roles: Map<string, KubernetesRole>;
  appRoles: AppRoleRole[];
}

export interface NamespaceState {
  /** '' for root, else `team-a` or `team-a/child` (no trailing slash) */
  path: string;
  policies: Map<string, string>;
  mounts: Map<string, SecretMount>;
  authMounts: Map<string, AuthMount>;
}

export interface TokenEntry {
  token: string;
  accessor: string;
  /** sorted, as Vault reports them */
  policies: string[];
  namespace: string;
  root: boolean;
  ttlSeconds: number;
  renewable: boolean;
  issuedAt: Date;
  expiresAt?: Date;
  identity?: Identity;
  metadata: Record<string, string> | null;
  displayName: string;
  path: string;
}
