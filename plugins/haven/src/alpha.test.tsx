import type { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import plugin from './alpha';
import {
  deliveryCard,
  observabilityCard,
  observabilityContent,
} from './alpha/extensions';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders', annotations },
});

describe('haven frontend plugin', () => {
  it('is the haven plugin', () => {
    expect(plugin.pluginId).toBe('haven');
  });

  it("gives the app's plugin info only the package fields it reads", async () => {
    const { packageInfo } = await import('./alpha/packageInfo');
    expect(Object.keys(packageInfo).sort()).toEqual([
      'description',
      'homepage',
      'name',
      'repository',
      'version',
    ]);
    expect(packageInfo.name).toBe('@haven-plus/plugin-haven');
    expect(packageInfo.repository.directory).toBe('plugins/haven');
  });

  const service = (annotations: Record<string, string>): Entity => ({
    ...entity(annotations),
    spec: { type: 'service' },
  });

  /** Each card is on every service component, annotated or not. */
  function expectOnServiceComponents(
    filter: ((entity: Entity) => boolean) | undefined,
  ) {
    expect(filter?.(service({ 'backstage.io/kubernetes-id': 'orders' }))).toBe(
      true,
    );
    // Without annotations the card is there, saying which one to add.
    expect(filter?.(service({}))).toBe(true);
    expect(filter?.(entity({}))).toBe(false);
    expect(
      filter?.({ ...service({}), kind: 'API', spec: { type: 'service' } }),
    ).toBe(false);
  }

  it('puts the delivery card on every service component', () => {
    const tester = createExtensionTester(deliveryCard);
    expectOnServiceComponents(
      tester.get(EntityCardBlueprint.dataRefs.filterFunction),
    );
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('content');
  });

  it("lets app-config widen the cards to other component types (README's filter)", () => {
    const website = { ...service({}), spec: { type: 'website' } };
    const widened = {
      kind: 'component',
      'spec.type': { $in: ['service', 'website'] },
    };
    const filterOf = EntityCardBlueprint.dataRefs.filterFunction;
    const cards = [
      {
        stock: createExtensionTester(deliveryCard).get(filterOf),
        widened: createExtensionTester(deliveryCard, {
          config: { filter: widened },
        }).get(filterOf),
      },
      {
        stock: createExtensionTester(observabilityCard).get(filterOf),
        widened: createExtensionTester(observabilityCard, {
          config: { filter: widened },
        }).get(filterOf),
      },
    ];
    for (const { stock, widened: filter } of cards) {
      expect(stock?.(website)).toBe(false);
      expect(filter?.(website)).toBe(true);
      expect(filter?.(service({}))).toBe(true);
      expect(filter?.({ ...website, kind: 'API' })).toBe(false);
    }
  });

  it('puts the observability card on every service component', () => {
    const tester = createExtensionTester(observabilityCard);
    expectOnServiceComponents(
      tester.get(EntityCardBlueprint.dataRefs.filterFunction),
    );
  });

  it('adds an Observability tab at /observability', () => {
    const tester = createExtensionTester(observabilityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('/observability');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Observability',
    );
    expect(tester.get(EntityContentBlueprint.dataRefs.group)).toBe(
      'observability',
    );
  });

  it.each([
    'api:haven',
    'entity-card:haven/delivery',
    'entity-card:haven/observability',
    'entity-content:haven/observability',
  ])('has the extension %s', id => {
    expect(plugin.getExtension(id)).toBeDefined();
  });
});
