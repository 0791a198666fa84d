import {
  datasourcesForTenant,
  DEFAULT_DATASOURCE_UIDS as uids,
  isGrafanaUid,
  tenantDatasourceUids,
} from './tenantDatasources';

describe('datasource UIDs per tenant', () => {
  it('appends a readable tenant, else a cleaned, cut tenant and its hash', () => {
    expect(tenantDatasourceUids(uids, 'team-a')).toEqual({
      loki: 'haven-loki-team-a',
      tempo: 'haven-tempo-team-a',
      mimir: 'haven-mimir-team-a',
    });
    const odd = tenantDatasourceUids(uids, "team.a's");
    expect(odd.loki).toMatch(/^haven-loki-team_a_s-[0-9a-f]{8}$/);
    const long = tenantDatasourceUids(uids, 'x'.repeat(150));
    for (const uid of Object.values(long)) {
      expect(uid.length).toBeLessThanOrEqual(40);
      expect(uid).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    // Two tenants that clean to the same text keep different UIDs.
    expect(tenantDatasourceUids(uids, 'a.b').loki).not.toBe(
      tenantDatasourceUids(uids, 'a*b').loki,
    );
  });

  it('refuses a configured UID that leaves no room for a suffix', () => {
    expect(() =>
      tenantDatasourceUids({ ...uids, loki: 'l'.repeat(39) }, 'team-a'),
    ).toThrow(/leaves no room for a tenant suffix/);
  });

  it("gives an entity its tenant's datasources only under per-team tenancy", () => {
    expect(datasourcesForTenant(uids, 'team-a', 'platform').loki).toBe(
      'haven-loki-team-a',
    );
    expect(datasourcesForTenant(uids, 'platform', 'platform')).toBe(uids);
    expect(datasourcesForTenant(uids, undefined, 'platform')).toBe(uids);
    // Single or shared tenancy: one set of datasources for everyone.
    expect(datasourcesForTenant(uids, 'team-a', undefined)).toBe(uids);
  });

  it('defaults to the UIDs the stack provisions', () => {
    expect(uids).toEqual({
      loki: 'haven-loki',
      tempo: 'haven-tempo',
      mimir: 'haven-mimir',
    });
  });

  it("takes Grafana's UID rule: 1 to 40 letters, digits, '-' and '_'", () => {
    expect(isGrafanaUid('haven-loki_2')).toBe(true);
    expect(isGrafanaUid('u'.repeat(40))).toBe(true);
    expect(isGrafanaUid('u'.repeat(41))).toBe(false);
    expect(isGrafanaUid('')).toBe(false);
    expect(isGrafanaUid('haven.loki')).toBe(false);
    expect(isGrafanaUid('haven loki')).toBe(false);
  });
});
