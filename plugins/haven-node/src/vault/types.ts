/** Vault KV v2 key metadata (never the values). contracts.md 1.5. @public */
export interface KvMetadata {
  currentVersion: number;
  oldestVersion: number;
  createdTime: string;
  updatedTime: string;
  casRequired: boolean;
  /** Version number -> whether it is deleted or destroyed. */
  versions: Record<
    string,
    { createdTime: string; deletionTime: string; destroyed: boolean }
  >;
}

/** A Kubernetes-auth role as Haven+ writes it. contracts.md 1.6. @public */
export interface KubernetesAuthRole {
  boundServiceAccountNames: string[];
  boundServiceAccountNamespaces: string[];
  audience?: string;
  tokenPolicies: string[];
  /** Seconds. */
  tokenTtl: number;
  /** Seconds. */
  tokenMaxTtl: number;
}

/** One secrets-engine or auth mount from sys/mounts or sys/auth. contracts.md 1.2, 1.3. @public */
export interface VaultMount {
  path: string;
  type: string;
  accessor: string;
  /** KV version ("1" or "2") for kv mounts. */
  version?: string;
}

/** What lookup-self tells about the token in use (never the token). @public */
export interface VaultTokenInfo {
  policies: string[];
  /** Seconds left; 0 for a token without expiry. */
  ttl: number;
  renewable: boolean;
}
