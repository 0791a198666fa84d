import type { Config } from '@backstage/config';
import {
  DEFAULT_DATASOURCE_UIDS,
  isGrafanaUid,
  type DatasourceUids,
} from '@haven-plus/plugin-haven-common';

/**
 * The Grafana datasource UIDs the observability stack provisions and the
 * entity page links to (`haven.grafana.datasources`), defaults filled in.
 * @public
 */
export function readDatasourceUids(root: Config): DatasourceUids {
  const c = root.getOptionalConfig('haven.grafana.datasources');
  const uid = (key: keyof DatasourceUids) => {
    const value = c?.getOptionalString(key) ?? DEFAULT_DATASOURCE_UIDS[key];
    if (!isGrafanaUid(value)) {
      throw new Error(
        `haven.grafana.datasources.${key} "${value}" must be 1-40 letters, digits, '-' or '_'`,
      );
    }
    return value;
  };
  return { loki: uid('loki'), tempo: uid('tempo'), mimir: uid('mimir') };
}
