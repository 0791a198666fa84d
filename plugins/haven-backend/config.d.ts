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
    /** The entity page's telemetry endpoint of the haven backend plugin. */
    entityPage?: {
      /** How long one entity's answer is reused, per window, in seconds (default 30; 0 turns caching off). */
      cacheTtlSeconds?: number;
      /** Time limit of each upstream (Vault, Loki, Tempo) per view, in milliseconds (default 3000). */
      timeoutMs?: number;
    };
  };
}
