import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  havenEntityFluxReconcilePermission,
  havenEntitySecretsSyncPermission,
  havenEntityTelemetryReadPermission,
} from '@haven-plus/plugin-haven-common';
import { OwnersActOnDeliveryPolicy } from './permissionPolicy';

const user = (ownershipEntityRefs: string[]) =>
  ({
    identity: {
      type: 'user',
      userEntityRef: 'user:development/guest',
      ownershipEntityRefs,
    },
    info: { userEntityRef: 'user:development/guest', ownershipEntityRefs },
    token: 'not-used',
    credentials: {} as any,
  } as any);

describe('OwnersActOnDeliveryPolicy', () => {
  const policy = new OwnersActOnDeliveryPolicy();
  const claims = ['user:development/guest', 'group:default/haven-platform'];

  it.each([
    havenEntitySecretsSyncPermission,
    havenEntityFluxReconcilePermission,
  ])('lets only the entity’s owners use $name', async permission => {
    expect(await policy.handle({ permission }, user(claims))).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims },
      },
    });
  });

  it('gives a user with no claims an owner rule that matches nothing', async () => {
    const decision = await policy.handle({
      permission: havenEntitySecretsSyncPermission,
    });
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { params: { claims: [] } },
    });
  });

  it('allows everything else', async () => {
    for (const permission of [
      havenEntityTelemetryReadPermission,
      catalogEntityReadPermission,
    ]) {
      expect(await policy.handle({ permission }, user(claims))).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });
});
