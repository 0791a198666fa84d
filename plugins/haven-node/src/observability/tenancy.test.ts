import { InputError } from '@backstage/errors';
import { planTenantRoutes } from './tenancy';

describe('planTenantRoutes', () => {
  it('puts the default tenant first, taking every namespace the teams do not list', () => {
    expect(
      planTenantRoutes({
        defaultTenant: 'platform',
        teams: [
          { tenant: 'team-a', namespaces: ['shop', 'shop-staging'] },
          { tenant: 'team-b', namespaces: ['billing'] },
        ],
      }),
    ).toEqual([
      {
        tenant: 'platform',
        slug: 'platform',
        namespaces: [],
        isDefault: true,
        excluded: ['shop', 'shop-staging', 'billing'],
      },
      {
        tenant: 'team-a',
        slug: 'team_a',
        namespaces: ['shop', 'shop-staging'],
        isDefault: false,
        excluded: [],
      },
      {
        tenant: 'team-b',
        slug: 'team_b',
        namespaces: ['billing'],
        isDefault: false,
        excluded: [],
      },
    ]);
  });

  it('merges the default tenant with the team that has the same tenant', () => {
    const routes = planTenantRoutes({
      defaultTenant: 'platform',
      teams: [
        { tenant: 'platform', namespaces: ['kube-system', 'flux-system'] },
        { tenant: 'team-a', namespaces: ['shop'] },
      ],
    });
    expect(routes.map(r => [r.tenant, r.isDefault, r.excluded])).toEqual([
      ['platform', true, ['shop']],
      ['team-a', false, []],
    ]);
    expect(routes[0].namespaces).toEqual(['kube-system', 'flux-system']);
  });

  it('gives tenants that sanitise alike distinct slugs, and keeps a namespace a team lists twice once', () => {
    const routes = planTenantRoutes({
      defaultTenant: 'team_a',
      teams: [
        { tenant: 'team.a', namespaces: ['a', 'a'] },
        { tenant: "team-a'(1)", namespaces: ['b'] },
      ],
    });
    expect(routes.map(r => r.slug)).toEqual([
      'team_a',
      'team_a_2',
      'team_a__1_',
    ]);
    expect(routes[1].namespaces).toEqual(['a']);
  });

  it('refuses a namespace two teams claim, naming both teams', () => {
    const plan = () =>
      planTenantRoutes({
        defaultTenant: 'platform',
        teams: [
          { tenant: 'team-a', namespaces: ['shop'] },
          { tenant: 'team-b', namespaces: ['billing', 'shop'] },
        ],
      });
    expect(plan).toThrow(InputError);
    expect(plan).toThrow(
      'Namespace "shop" is listed by two teams: "team-a" (tenancy.teams[0]) and "team-b" (tenancy.teams[1]). Its telemetry can go to one tenant only; keep it in one team.',
    );
  });

  it.each([
    [
      'a tenant listed twice',
      {
        defaultTenant: 'platform',
        teams: [
          { tenant: 'team-a', namespaces: ['a'] },
          { tenant: 'team-a', namespaces: ['b'] },
        ],
      },
      /Tenant "team-a" is listed twice \(tenancy.teams\[0\] and tenancy.teams\[1\]\)/,
    ],
    [
      'no teams',
      { defaultTenant: 'platform', teams: [] },
      /tenancy.teams is empty/,
    ],
    [
      'a team without namespaces',
      { defaultTenant: 'platform', teams: [{ tenant: 'a', namespaces: [] }] },
      /tenancy.teams\[0\] \(tenant "a"\) lists no namespaces/,
    ],
    [
      "a multi-tenant '|' query as a tenant",
      {
        defaultTenant: 'platform',
        teams: [{ tenant: 'a|b', namespaces: ['a'] }],
      },
      /Invalid tenancy.teams\[0\].tenant: "a\|b" must name one tenant/,
    ],
    [
      "'..' as the default tenant",
      { defaultTenant: '..', teams: [{ tenant: 'a', namespaces: ['a'] }] },
      /Invalid tenancy.defaultTenant/,
    ],
    [
      'a namespace that is no DNS label',
      {
        defaultTenant: 'platform',
        teams: [{ tenant: 'a', namespaces: ['ok', 'Not_OK'] }],
      },
      /Invalid tenancy.teams\[0\].namespaces\[1\]/,
    ],
  ])('refuses %s', (_what, tenancy, message) => {
    expect(() => planTenantRoutes(tenancy)).toThrow(message);
  });
});
