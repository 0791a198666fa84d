import type { Config } from '@backstage/config';
import type { DatasourceUids } from '@haven-plus/plugin-haven-common';

/** Datasource UIDs when `haven.grafana.datasources` does not name them. @public */
export const DEFAULT_DATASOURCE_UIDS: DatasourceUids = {
  loki: 'haven-loki',
  tempo: 'haven-tempo',
  mimir: 'haven-mimir',
};

/**
 * The Grafana datasource UIDs the observability stack provisions and the
 * entity page links to (`haven.grafana.datasources`), defaults filled in.
 * @public
 */
export function readDatasourceUids(root: Config): DatasourceUids {
  const c = root.getOptionalConfig('haven.grafana.datasources');
  const uid = (key: keyof DatasourceUids) => {
    const value = c?.getOptionalString(key) ?? DEFAULT_DATASOURCE_UIDS[key];
    // Grafana UIDs: up to 40 letters, digits, '-' and '_'.
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(value)) {
      throw new Error(
        `haven.grafana.datasources.${key} "${value}" must be 1-40 letters, digits, '-' or '_'`,
      );
    }
    return value;
  };
  return { loki: uid('loki'), tempo: uid('tempo'), mimir: uid('mimir') };
}
