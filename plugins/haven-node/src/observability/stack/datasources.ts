import { InputError } from '@backstage/errors';
import {
  tenantDatasourceUids,
  type DatasourceUids,
} from '@haven-plus/plugin-haven-common';
import { planTenantRoutes } from '../tenancy';
import type { ObservabilityTenancy } from './input';

/** One tenant's set of datasources: the header they send and their UIDs. @public */
export interface TenantDatasources {
  /** undefined: no X-Scope-OrgID (single tenancy). */
  tenant?: string;
  /** The Loki, Tempo and Mimir datasource UIDs of this set. */
  uids: DatasourceUids;
  /** Appended to the datasource names ("Loki (team-a)"); undefined for the default set. */
  nameSuffix?: string;
}

/**
 * The Grafana datasource sets the stack provisions: one for single and
 * multi tenancy (the configured UIDs), one per tenant for per-team tenancy,
 * the default tenant first with the configured UIDs. Throws InputError on
 * invalid teams (planTenantRoutes) or clashing UIDs.
 * @public
 */
export function observabilityDatasources(
  tenancy: ObservabilityTenancy,
  uids: DatasourceUids,
): TenantDatasources[] {
  if (tenancy.mode === 'single') return [{ uids }];
  if (tenancy.mode === 'multi') return [{ tenant: tenancy.tenant, uids }];
  const sets = planTenantRoutes(tenancy).map(route =>
    route.isDefault
      ? { tenant: route.tenant, uids }
      : {
          tenant: route.tenant,
          uids: tenantDatasourceUids(uids, route.tenant),
          nameSuffix: ` (${route.tenant})`,
        },
  );
  const seen = new Map<string, string>();
  for (const set of sets) {
    for (const uid of Object.values(set.uids)) {
      const other = seen.get(uid);
      if (other !== undefined) {
        throw new InputError(
          `Tenants ${JSON.stringify(other)} and ${JSON.stringify(
            set.tenant,
          )} would share the Grafana datasource UID ${JSON.stringify(
            uid,
          )}; rename one of them`,
        );
      }
      seen.set(uid, set.tenant);
    }
  }
  return sets;
}
