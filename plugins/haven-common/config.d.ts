export interface Config {
  /** Haven+ settings. */
  haven?: {
    /**
     * Grafana, as the observability stack provisions it and the entity page
     * links to it. Read by the entity page (@haven-plus/plugin-haven: all keys)
     * and by @haven-plus/plugin-haven-node (the datasource UIDs the stack
     * render provisions).
     */
    grafana?: {
      /**
       * Grafana's root URL for links, http(s), e.g. https://grafana.example.nl
       * (a subpath is kept). Without it the entity page shows no Grafana links.
       * @visibility frontend
       */
      baseUrl?: string;
      /**
       * The Grafana organisation the links open in (default 1).
       * @visibility frontend
       */
      orgId?: number;
      /**
       * Explore URL format: `panes` (schemaVersion 1, the default) or
       * `legacy` (the `left=` format, for Grafana older than 10).
       * @visibility frontend
       */
      linkFormat?: 'panes' | 'legacy';
      /**
       * Datasource UIDs (defaults haven-loki, haven-tempo, haven-mimir), each
       * 1-40 letters, digits, '-' or '_'.
       */
      datasources?: {
        /** @visibility frontend */
        loki?: string;
        /** @visibility frontend */
        tempo?: string;
        /** @visibility frontend */
        mimir?: string;
      };
      /**
       * Set when the observability stack runs a tenant per team: entities
       * whose haven.plus/telemetry-tenant is another tenant link to that
       * tenant's datasources (`<uid>-<tenant>`, as the stack provisions
       * them); the default tenant keeps `datasources`.
       */
      tenantDatasources?: {
        /** @visibility frontend */
        defaultTenant: string;
      };
    };
  };
}
