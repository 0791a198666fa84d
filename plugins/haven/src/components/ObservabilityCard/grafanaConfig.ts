import type { ConfigApi } from '@backstage/core-plugin-api';
import {
  DEFAULT_DATASOURCE_UIDS,
  type DatasourceUids,
  type GrafanaLinkConfig,
} from '@haven-plus/plugin-haven-common';

/** The Grafana link settings, or why there are none. */
export type GrafanaLinkSettings =
  | {
      grafana: GrafanaLinkConfig;
      /** Set when the stack runs a tenant per team (haven.grafana.tenantDatasources). */
      defaultTenant?: string;
      problem?: undefined;
    }
  | { grafana?: undefined; problem: string };

/** Reads `haven.grafana` (declared in plugins/haven-common/config.d.ts). */
export function readGrafanaLinkSettings(
  config: ConfigApi,
): GrafanaLinkSettings {
  try {
    const grafana = config.getOptionalConfig('haven.grafana');
    const baseUrl = grafana?.getOptionalString('baseUrl');
    if (!grafana || !baseUrl) {
      return {
        problem:
          'Grafana links are off: set haven.grafana.baseUrl (and the datasource UIDs under haven.grafana.datasources) in app-config.',
      };
    }
    const format = grafana.getOptionalString('linkFormat') ?? 'panes';
    if (format !== 'panes' && format !== 'legacy') {
      return {
        problem: `haven.grafana.linkFormat "${format}" must be panes or legacy.`,
      };
    }
    const uid = (key: keyof DatasourceUids) =>
      grafana.getOptionalString(`datasources.${key}`) ??
      DEFAULT_DATASOURCE_UIDS[key];
    return {
      defaultTenant: grafana.getOptionalString(
        'tenantDatasources.defaultTenant',
      ),
      grafana: {
        baseUrl,
        orgId: grafana.getOptionalNumber('orgId'),
        format,
        datasources: {
          loki: uid('loki'),
          tempo: uid('tempo'),
          mimir: uid('mimir'),
        },
      },
    };
  } catch (e) {
    return {
      problem: `haven.grafana is not valid: ${
        e instanceof Error ? e.message : String(e)
      }`,
    };
  }
}
