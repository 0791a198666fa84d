import { InputError } from '@backstage/errors';

/** Grafana datasource UIDs of the Loki, Tempo and Mimir datasources. @public */
export interface DatasourceUids {
  /** The Loki datasource's UID. */
  loki: string;
  /** The Tempo datasource's UID. */
  tempo: string;
  /** The Mimir (Prometheus) datasource's UID. */
  mimir: string;
}

/**
 * Datasource UIDs when `haven.grafana.datasources` names none: the ones the
 * observability stack provisions and the entity page links to.
 * @public
 */
export const DEFAULT_DATASOURCE_UIDS: DatasourceUids = {
  loki: 'haven-loki',
  tempo: 'haven-tempo',
  mimir: 'haven-mimir',
};

/** Grafana datasource UIDs: 1 to 40 letters, digits, '-' and '_'. */
const GRAFANA_UID = /^[A-Za-z0-9_-]{1,40}$/;

/** Whether `value` can be a Grafana datasource UID (1 to 40 letters, digits, '-' and '_'). @public */
export function isGrafanaUid(value: string): boolean {
  return GRAFANA_UID.test(value);
}

/** FNV-1a, 32 bits, of the string's UTF-16 code units, as 8 hex digits. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The datasource UIDs of one tenant under per-team tenancy: each configured
 * UID plus "-<tenant>" (haven-loki-team-a), or, when the tenant holds
 * characters a Grafana UID cannot (`! . * ' ( )`) or the result would pass
 * Grafana's 40 characters, the tenant with those characters as "_", cut to
 * fit, and 8 hex digits of its FNV-1a hash (haven-loki-team_a-1a2b3c4d).
 * The observability stack provisions these UIDs and the entity page links
 * to them, so both use this one function. The default tenant does not go
 * through this: it keeps the configured UIDs.
 * @public
 */
export function tenantDatasourceUids(
  uids: DatasourceUids,
  tenant: string,
): DatasourceUids {
  const derive = (uid: string): string => {
    const readable = `${uid}-${tenant}`;
    if (GRAFANA_UID.test(readable)) return readable;
    const hash = fnv1a(tenant);
    const room = 40 - uid.length - hash.length - 2;
    const part = tenant.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, room);
    const derived = part ? `${uid}-${part}-${hash}` : `${uid}-${hash}`;
    if (!GRAFANA_UID.test(derived)) {
      throw new InputError(
        `Datasource UID ${JSON.stringify(
          uid,
        )} leaves no room for a tenant suffix within Grafana's 40 characters; shorten haven.grafana.datasources`,
      );
    }
    return derived;
  };
  return {
    loki: derive(uids.loki),
    tempo: derive(uids.tempo),
    mimir: derive(uids.mimir),
  };
}

/**
 * The datasources an entity's Grafana links open: its tenant's set when the
 * stack runs a tenant per team (`defaultTenant` given) and the entity names
 * a tenant other than the default, else the configured UIDs.
 * @public
 */
export function datasourcesForTenant(
  uids: DatasourceUids,
  tenant: string | undefined,
  defaultTenant: string | undefined,
): DatasourceUids {
  if (!defaultTenant || !tenant || tenant === defaultTenant) return uids;
  return tenantDatasourceUids(uids, tenant);
}
