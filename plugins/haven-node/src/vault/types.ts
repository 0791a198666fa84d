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
