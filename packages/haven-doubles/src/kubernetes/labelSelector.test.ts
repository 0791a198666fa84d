import { matchesLabels, parseLabelSelector } from './labelSelector';

const labels = { 'backstage.io/kubernetes-id': 'orders', tier: 'web' };
const matches = (selector: string) =>
  matchesLabels(parseLabelSelector(selector), labels);

describe('label selectors', () => {
  it('matches equality requirements', () => {
    expect(matches('backstage.io/kubernetes-id=orders')).toBe(true);
    expect(matches('backstage.io/kubernetes-id==orders')).toBe(true);
    expect(matches('backstage.io/kubernetes-id=payments')).toBe(false);
    expect(matches('tier!=web')).toBe(false);
    expect(matches('missing!=x')).toBe(true);
  });

  it('matches set and existence requirements, all of them together', () => {
    expect(matches('tier in (web, api)')).toBe(true);
    expect(matches('tier notin (web)')).toBe(false);
    expect(matches('tier,!missing')).toBe(true);
    expect(matches('tier in (web),backstage.io/kubernetes-id=other')).toBe(
      false,
    );
  });

  it('matches everything with an empty selector', () => {
    expect(matches('')).toBe(true);
  });

  it('rejects what the API server cannot parse', () => {
    expect(() => parseLabelSelector('tier in web')).toThrow(
      'unable to parse requirement: tier in web',
    );
    expect(() => parseLabelSelector('=web')).toThrow();
  });
});
