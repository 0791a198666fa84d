import { RESOURCE_TYPES } from './resources';
import { readReferenceCrds } from '@haven-plus/haven-test-utils';

const crds = readReferenceCrds().map(c => c.crd);

describe('the Kubernetes double against the real CRDs', () => {
  it('finds the CRDs', () => {
    expect(crds.length).toBeGreaterThanOrEqual(11);
  });

  it.each(
    crds.map(c => [`${c.spec.names.plural}.${c.spec.group}`, c] as const),
  )(
    'serves %s exactly at its served versions, with its kind and scope',
    (_name, crd) => {
      const type = RESOURCE_TYPES.find(
        t => t.group === crd.spec.group && t.plural === crd.spec.names.plural,
      );
      expect(type).toBeDefined();
      expect(type).toMatchObject({
        kind: crd.spec.names.kind,
        namespaced: crd.spec.scope === 'Namespaced',
        custom: true,
        versions: crd.spec.versions.filter(v => v.served).map(v => v.name),
      });
    },
  );

  it('serves no custom resource the reference does not define', () => {
    const defined = new Set(
      crds.map(c => `${c.spec.names.plural}.${c.spec.group}`),
    );
    const served = RESOURCE_TYPES.filter(t => t.custom).map(
      t => `${t.plural}.${t.group}`,
    );
    expect(served.filter(s => !defined.has(s))).toEqual([]);
  });
});

describe('the built-in types the double serves', () => {
  it('serves core v1 Events, namespaced, for the entity page’s ExternalSecret events', () => {
    // Kubernetes API reference: Event v1 core, /api/v1/namespaces/{ns}/events.
    expect(
      RESOURCE_TYPES.find(t => t.group === '' && t.plural === 'events'),
    ).toEqual({
      group: '',
      versions: ['v1'],
      plural: 'events',
      kind: 'Event',
      namespaced: true,
      custom: false,
    });
  });
});
