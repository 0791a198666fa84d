export interface Config {
  /**
   * Haven+ settings. haven.vault, haven.gitops and haven.charts are described
   * by @haven-plus/plugin-haven-node; haven.grafana by @haven-plus/plugin-haven-common.
   */
  haven?: {
    /** The Loki the entity page reads log volume and recent error lines from. */
    loki?: {
      /** Loki's base URL (no /loki/api/v1), e.g. https://loki.example.nl or http://loki-gateway.observability.svc. */
      url: string;
      /**
       * Default tenant, sent as X-Scope-OrgID. An entity's
       * haven.plus/telemetry-tenant annotation overrides it. Omitted: no header
       * (a Loki with auth_enabled: false).
       */
      tenant?: string;
      /**
       * Bearer token for a gateway in front of Loki, if it wants one.
       * @visibility secret
       */
      token?: string;
    };
    /** The Tempo the entity page searches for recent traces. */
    tempo?: {
      /** Tempo's base URL (no /api), e.g. https://tempo.example.nl. */
      url: string;
      /** Default tenant (X-Scope-OrgID); the haven.plus/telemetry-tenant annotation overrides it. */
      tenant?: string;
      /**
       * Bearer token for a gateway in front of Tempo, if it wants one.
       * @visibility secret
       */
      token?: string;
    };
    /**
     * Following Haven+ pull requests through to delivery: once merged, the
     * backend watches the app's Flux and External Secrets objects (in the
     * clusters of kubernetes.clusterLocatorMethods) and notifies the owner
     * when they are Ready and Synced, or fail (notifications backend needed).
     */
    followThrough?: {
      /** Default true. */
      enabled?: boolean;
      /** Seconds between checks (default 30; 1 to 3600). */
      pollSeconds?: number;
      /** Minutes after the merge before giving up with a notice (default 30; 1 to 1440). */
      timeoutMinutes?: number;
      /** Days an open pull request is followed (default 14; 1 to 365). */
      openDays?: number;
      /** Pull requests checked per round at most (default 25; 1 to 500). */
      batchSize?: number;
    };
    /** The entity page's telemetry endpoint of the haven backend plugin. */
    entityPage?: {
      /** How long one entity's answer is reused, per window, in seconds (default 30; 0 turns caching off). */
      cacheTtlSeconds?: number;
      /** Time limit of each upstream (Vault, Loki, Tempo) per view, in milliseconds (default 3000). */
      timeoutMs?: number;
    };
  };
}
