import { InputError } from '@backstage/errors';
import {
  assertDnsLabel,
  assertTenantId,
} from '@haven-plus/plugin-haven-common';

/*
 * Per-team tenancy: each team's namespaces send their telemetry to the
 * team's own tenant (X-Scope-OrgID) in Loki, Mimir and Tempo. Namespaces no
 * team lists go to the default tenant, which is required: nothing is dropped
 * (platform namespaces such as kube-system or flux-system still have logs
 * worth keeping), and the default tenant is the one the unprefixed Grafana
 * datasource UIDs (haven-loki, ...) keep pointing at.
 *
 * The default tenant may also be one of the teams' tenants; that tenant
 * then takes its own namespaces and every unlisted one.
 */

/** One team: its tenant and the namespaces whose telemetry lands there. @public */
export interface TeamTenant {
  /** X-Scope-OrgID (tenantIdProblems in plugin-haven-common). */
  tenant: string;
  /** Kubernetes namespaces (DNS-1123 labels); each belongs to one team only. */
  namespaces: readonly string[];
}

/** Per-team tenancy as the platform team gives it. @public */
export interface PerTeamTenancy {
  /** The teams and their namespaces. */
  teams: readonly TeamTenant[];
  /** Tenant of every namespace no team lists (and of OTLP without service.namespace). */
  defaultTenant: string;
}

/**
 * Where one tenant's telemetry comes from, ready to build a pipeline and
 * datasources from.
 * @public
 */
export interface TenantRoute {
  /** The tenant (X-Scope-OrgID). */
  tenant: string;
  /**
   * The tenant as an Alloy identifier fragment (every character outside
   * [A-Za-z0-9_] becomes "_", "_2", "_3" ... appended on a clash), unique
   * among the routes: component labels are loki_<slug>, tenant_<slug> ...
   */
  slug: string;
  /** The namespaces listed for this tenant (may be empty for the default tenant). */
  namespaces: readonly string[];
  /** True for the default tenant, which also takes every namespace no team lists. */
  isDefault: boolean;
  /** For the default tenant: the namespaces other teams list, which it must not take. */
  excluded: readonly string[];
}

function slugOf(tenant: string, taken: Set<string>): string {
  const base = tenant.replace(/[^A-Za-z0-9_]/g, '_');
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}_${n}`;
  taken.add(slug);
  return slug;
}

/**
 * Checks per-team tenancy and turns it into one route per tenant, the
 * default tenant first. Throws InputError, before anything is built, for an
 * invalid tenant ID or namespace, a team without namespaces, a tenant listed
 * twice, and a namespace two teams claim (naming both).
 * @public
 */
export function planTenantRoutes(
  tenancy: PerTeamTenancy,
  field = 'tenancy',
): TenantRoute[] {
  const defaultTenant = assertTenantId(
    tenancy.defaultTenant,
    `${field}.defaultTenant`,
  );
  if (tenancy.teams.length === 0) {
    throw new InputError(
      `${field}.teams is empty: list at least one team with its tenant and namespaces, or use one shared tenant (multi)`,
    );
  }
  const tenantAt = new Map<string, number>();
  const ownerOf = new Map<string, number>();
  const teams = tenancy.teams.map((team, i) => {
    const at = `${field}.teams[${i}]`;
    const tenant = assertTenantId(team.tenant, `${at}.tenant`);
    const first = tenantAt.get(tenant);
    if (first !== undefined) {
      throw new InputError(
        `Tenant ${JSON.stringify(
          tenant,
        )} is listed twice (${field}.teams[${first}] and ${at}); put all its namespaces in one team`,
      );
    }
    tenantAt.set(tenant, i);
    if (team.namespaces.length === 0) {
      throw new InputError(
        `${at} (tenant ${JSON.stringify(
          tenant,
        )}) lists no namespaces; give it at least one`,
      );
    }
    const namespaces: string[] = [];
    team.namespaces.forEach((ns, j) => {
      assertDnsLabel(ns, `${at}.namespaces[${j}]`);
      const owner = ownerOf.get(ns);
      if (owner === i) return; // listed twice by the same team
      if (owner !== undefined) {
        throw new InputError(
          `Namespace ${JSON.stringify(
            ns,
          )} is listed by two teams: ${JSON.stringify(
            tenancy.teams[owner].tenant,
          )} (${field}.teams[${owner}]) and ${JSON.stringify(
            tenant,
          )} (${at}). Its telemetry can go to one tenant only; keep it in one team.`,
        );
      }
      ownerOf.set(ns, i);
      namespaces.push(ns);
    });
    return { tenant, namespaces };
  });

  const taken = new Set<string>();
  const listed = teams.flatMap(t => t.namespaces);
  const routes: TenantRoute[] = [];
  const defaultTeam = teams.find(t => t.tenant === defaultTenant);
  routes.push({
    tenant: defaultTenant,
    slug: slugOf(defaultTenant, taken),
    namespaces: defaultTeam?.namespaces ?? [],
    isDefault: true,
    excluded: listed.filter(ns => !defaultTeam?.namespaces.includes(ns)),
  });
  for (const team of teams) {
    if (team.tenant === defaultTenant) continue;
    routes.push({
      tenant: team.tenant,
      slug: slugOf(team.tenant, taken),
      namespaces: team.namespaces,
      isDefault: false,
      excluded: [],
    });
  }
  return routes;
}

/**
 * The tenant a namespace's telemetry lands in: its team's, else the
 * default tenant (as the pipeline routes it).
 * @public
 */
export function tenantOfNamespace(
  tenancy: PerTeamTenancy,
  namespace: string,
): string {
  return (
    tenancy.teams.find(t => t.namespaces.includes(namespace))?.tenant ??
    tenancy.defaultTenant
  );
}
