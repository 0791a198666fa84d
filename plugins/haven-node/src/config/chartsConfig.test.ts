import { ConfigReader } from '@backstage/config';
import { readHavenChartsConfig } from './gitopsConfig';

describe('readHavenChartsConfig', () => {
  it('defaults to checking values, 10 s per request, no mirrors', () => {
    expect(readHavenChartsConfig(new ConfigReader({}))).toEqual({
      checkValues: true,
      timeoutMs: 10_000,
      mirrors: [],
    });
  });

  it('reads mirrors without trailing slashes', () => {
    expect(
      readHavenChartsConfig(
        new ConfigReader({
          haven: {
            charts: {
              checkValues: false,
              timeoutMs: 2500,
              mirrors: [
                {
                  url: 'https://helm.openwebui.com/',
                  readFrom: 'http://127.0.0.1:7106/',
                },
              ],
            },
          },
        }),
      ),
    ).toEqual({
      checkValues: false,
      timeoutMs: 2500,
      mirrors: [
        {
          url: 'https://helm.openwebui.com',
          readFrom: 'http://127.0.0.1:7106',
        },
      ],
    });
  });

  it('refuses credentials in a mirror URL and a timeout that cannot work, naming the key', () => {
    expect(() =>
      readHavenChartsConfig(
        new ConfigReader({
          haven: {
            charts: {
              mirrors: [
                {
                  url: 'https://helm.openwebui.com',
                  readFrom: 'https://bot:pw@artifactory.example.nl/helm',
                },
              ],
            },
          },
        }),
      ),
    ).toThrow('haven.charts.mirrors[0].readFrom must not hold credentials');
    expect(() =>
      readHavenChartsConfig(
        new ConfigReader({ haven: { charts: { timeoutMs: 5 } } }),
      ),
    ).toThrow(
      'haven.charts.timeoutMs must be a whole number of milliseconds >= 100, got 5',
    );
  });
});
