import {
  checkFieldSelector,
  FieldSelectorError,
  matchesFields,
  parseFieldSelector,
} from './fieldSelector';
import { findResourceType, type ResourceType } from './resources';

const events = findResourceType('', 'v1', 'events') as ResourceType;
const externalSecrets = findResourceType(
  'external-secrets.io',
  'v1',
  'externalsecrets',
) as ResourceType;

const warning = {
  metadata: { name: 'orders-db.17f0a1', namespace: 'shop' },
  involvedObject: {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    name: 'orders-db',
    namespace: 'shop',
    uid: 'b1c2',
  },
  reason: 'UpdateFailed',
  type: 'Warning',
  source: { component: 'external-secrets' },
};

describe('field selectors', () => {
  it('parses =, == and != terms, comma-separated', () => {
    expect(
      parseFieldSelector(
        'involvedObject.kind=ExternalSecret,involvedObject.name==orders-db,type!=Normal',
      ),
    ).toEqual([
      { field: 'involvedObject.kind', op: '=', value: 'ExternalSecret' },
      { field: 'involvedObject.name', op: '=', value: 'orders-db' },
      { field: 'type', op: '!=', value: 'Normal' },
    ]);
    expect(parseFieldSelector('')).toEqual([]);
  });

  it('reads backslash-escaped commas and equals signs as part of a value', () => {
    expect(parseFieldSelector('reason=a\\,b\\=c,type=Warning')).toEqual([
      { field: 'reason', op: '=', value: 'a,b=c' },
      { field: 'type', op: '=', value: 'Warning' },
    ]);
  });

  it('refuses a term without an operator, as the API server does', () => {
    expect(() => parseFieldSelector('type=Warning,reason')).toThrow(
      new FieldSelectorError(
        "invalid selector: 'type=Warning,reason'; can't understand 'reason'",
      ),
    );
  });

  it('matches an Event on its involved object, type and reason', () => {
    const match = (selector: string) =>
      matchesFields(events, parseFieldSelector(selector), warning);
    expect(
      match('involvedObject.kind=ExternalSecret,involvedObject.name=orders-db'),
    ).toBe(true);
    expect(match('involvedObject.name=payments-db')).toBe(false);
    expect(match('type=Warning,reason=UpdateFailed')).toBe(true);
    expect(match('type!=Warning')).toBe(false);
    expect(match('involvedObject.uid=b1c2,involvedObject.namespace=shop')).toBe(
      true,
    );
    expect(
      match('metadata.name=orders-db.17f0a1,source=external-secrets'),
    ).toBe(true);
  });

  it('accepts only the fields a type makes selectable', () => {
    expect(() =>
      checkFieldSelector(events, parseFieldSelector('type=Warning')),
    ).not.toThrow();
    expect(() =>
      checkFieldSelector(events, parseFieldSelector('message=denied')),
    ).toThrow(new FieldSelectorError('field label not supported: message'));
    expect(() =>
      checkFieldSelector(
        externalSecrets,
        parseFieldSelector('metadata.name=orders-db'),
      ),
    ).not.toThrow();
    expect(() =>
      checkFieldSelector(
        externalSecrets,
        parseFieldSelector('involvedObject.kind=ExternalSecret'),
      ),
    ).toThrow('field label not supported: involvedObject.kind');
  });
});
