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

  it('shows the delivery card only where the Kubernetes plugin finds objects', () => {
    const tester = createExtensionTester(deliveryCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(entity({ 'backstage.io/kubernetes-id': 'orders' }))).toBe(
      true,
    );
    expect(
      filter?.(
        entity({ 'backstage.io/kubernetes-label-selector': 'app=orders' }),
      ),
    ).toBe(true);
    expect(filter?.(entity({ 'haven.plus/otel-service-name': 'orders' }))).toBe(
      false,
    );
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('content');
  });

  it('shows the observability card where there is a telemetry identity', () => {
    const filter = createExtensionTester(observabilityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    expect(filter?.(entity({ 'haven.plus/otel-service-name': 'orders' }))).toBe(
      true,
    );
    expect(filter?.(entity({ 'backstage.io/kubernetes-id': 'orders' }))).toBe(
      true,
    );
    expect(filter?.(entity({}))).toBe(false);
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
