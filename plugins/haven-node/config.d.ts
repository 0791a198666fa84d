export interface Config {
  /** Haven+ settings. */
  haven?: {
    /** Where apps are delivered: the fleet repository Flux reconciles, per cluster. */
    gitops?: {
      /** The fleet repository every cluster's Flux reconciles. */
      fleetRepo: {
        /** Web URL, e.g. https://github.com/haven-fleet/fleet or https://gitlab.example.nl/platform/fleet. */
        url: string;
        /** Branch Flux reconciles and pull requests target (default "main"). */
        branch?: string;
        /** "github" or "gitlab" (default: from haven.gitops.fleetRepo.url's host: gitlab if it contains "gitlab"). */
        provider?: 'github' | 'gitlab';
      };
      /** The clusters apps can be delivered to. A list, so a later config file replaces it whole. */
      clusters: Array<{
        /** Cluster name as the template offers it (a DNS-1123 label). */
        name: string;
        /** The haven.vault environment whose Vault mounts this cluster's apps use. */
        environment: string;
        /** Folder of the app folders: <appsPath>/<app>/ (default "apps/<name>"). */
        appsPath?: string;
        /**
         * Folder the cluster's Flux syncs, holding one Flux Kustomization per app
         * (<fluxPath>/<app>.yaml) and the kustomization.yaml listing them
         * (default "clusters/<name>/apps").
         */
        fluxPath?: string;
        /** Namespace of the Flux objects (default "flux-system"). */
        fluxNamespace?: string;
        /** The fleet repository's Flux source (default GitRepository "flux-system"). */
        sourceRef?: {
          kind?: 'GitRepository' | 'OCIRepository' | 'Bucket';
          name: string;
        };
        /** Flux Kustomizations (in fluxNamespace) every app waits for, e.g. ["infrastructure"]. */
        dependsOn?: string[];
        /** Vault address as the cluster's External Secrets Operator reaches it (default haven.vault.address). */
        vaultServer?: string;
        /** Use this platform-provided ClusterSecretStore instead of a SecretStore per app. */
        clusterSecretStore?: string;
        /** The cluster's Alloy OTLP endpoint, e.g. http://alloy.observability.svc:4318. */
        otlpEndpoint?: string;
        /** OTLP protocol of that endpoint (default "http/protobuf"). */
        otlpProtocol?: 'http/protobuf' | 'grpc';
        /**
         * The per-team tenants of the cluster's telemetry stack, as "Onboard a
         * cluster's telemetry stack" rendered them: apps created here carry the
         * tenant of their namespace (haven.plus/telemetry-tenant).
         */
        telemetry?: {
          /** Tenant of every namespace no team lists. */
          defaultTenant: string;
          teams: Array<{ tenant: string; namespaces: string[] }>;
        };
        /** Ingress defaults. */
        ingress?: {
          /** IngressClass name, e.g. "nginx". */
          className?: string;
          /** cert-manager ClusterIssuer that issues the TLS certificate. */
          clusterIssuer?: string;
        };
      }>;
    };
    /** How haven:gitops:render reads charts to check the values it sets. */
    charts?: {
      /** Check rendered values against the chart's own values.yaml (default true). */
      checkValues?: boolean;
      /** Per request to a chart repository (default 10000). */
      timeoutMs?: number;
      /**
       * Read these chart repositories from elsewhere (a pull-through cache, or
       * the sandbox's double); the manifests keep the repository's own URL.
       */
      mirrors?: Array<{ url: string; readFrom: string }>;
    };
    /** The Vault (or OpenBao) that haven:vault:provision writes to. */
    vault?: {
      /** Vault address, e.g. https://vault.example.nl:8200 (no /v1). */
      address: string;
      /** Vault Enterprise / OpenBao namespace (X-Vault-Namespace), e.g. "admin/platform". */
      namespace?: string;
      /** Base URL of the Vault UI for links in task outputs (default: the address). */
      uiUrl?: string;
      /** How Backstage signs in to Vault. */
      auth:
        | {
            method: 'token';
            /**
             * A token with only the rights README.md ("Vault policy for Backstage") lists.
             * @visibility secret
             */
            token: string;
          }
        | {
            method: 'approle';
            /** Auth mount path (default "approle"). */
            mount?: string;
            roleId: string;
            /** @visibility secret */
            secretId: string;
          }
        | {
            method: 'kubernetes';
            /** Auth mount path (default "kubernetes"). */
            mount?: string;
            /** The Vault role Backstage's own service account logs in with. */
            role: string;
            /** Service-account token file (default: the pod's projected token). */
            jwtPath?: string;
          };
      /**
       * "templated" (default): one identity-templated policy, created once by an
       * administrator, grants each app its own path; Backstage never writes
       * policies. "per-app": Backstage writes one policy per app.
       */
      policyMode?: 'templated' | 'per-app';
      /** templated mode: the shared policy's name (default "haven-apps"). */
      templatedPolicy?: string;
      /** per-app mode: prefix of the policies Backstage writes (default "haven-app-"). */
      policyPrefix?: string;
      /** Prefix of the Kubernetes-auth role names (default "haven-"). */
      rolePrefix?: string;
      /** The `aud` the apps' service-account tokens carry (default "vault"). */
      audience?: string;
      /** Role token TTL in seconds (default 3600). */
      tokenTtl?: number;
      /** Role token max TTL in seconds (default 14400). */
      tokenMaxTtl?: number;
      /**
       * Per environment: where the app's secrets and role live. A list, so a
       * later config file replaces the whole list instead of merging into it.
       */
      environments: Array<{
        /** Environment name, as the template offers it (a DNS-1123 label). */
        name: string;
        /** KV v2 mount, e.g. "kv-apps". */
        kvMount: string;
        /** Kubernetes auth mount of this environment's cluster, e.g. "kubernetes-prod". */
        kubernetesAuthMount: string;
        /** Optional folder inside the mount; app paths are <prefix>/<namespace>/<app>. */
        pathPrefix?: string;
      }>;
    };
  };
}
