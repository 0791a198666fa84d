import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_KUBERNETES_ID,
  isKubernetesAvailable,
  isTelemetryAvailable,
  isVaultAvailable,
  kubernetesIdFromEntity,
  telemetryFromEntity,
  vaultSecretNamesFromEntity,
  vaultSecretsFromEntity,
} from './annotations';
import * as annotations from './annotations';

const entity = (name: string, a: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations: a },
  spec: {},
});

describe('annotation helpers', () => {
  it('treats an entity without annotations as having none of the data', () => {
    const bare = entity('bare');
    expect(isKubernetesAvailable(bare)).toBe(false);
    expect(isVaultAvailable(bare)).toBe(false);
    expect(isTelemetryAvailable(bare)).toBe(false);
    expect(vaultSecretsFromEntity(bare)).toBeUndefined();
    expect(telemetryFromEntity(bare)).toBeUndefined();
    expect(kubernetesIdFromEntity(bare)).toBe('bare');
  });

  it('ignores blank annotation values', () => {
    const blank = entity('blank', {
      [ANNOTATION_KUBERNETES_ID]: '  ',
      'vault.io/secrets-path': '',
    });
    expect(isKubernetesAvailable(blank)).toBe(false);
    expect(isVaultAvailable(blank)).toBe(false);
  });

  it('accepts a label selector instead of a kubernetes-id', () => {
    expect(
      isKubernetesAvailable(
        entity('x', { 'backstage.io/kubernetes-label-selector': 'app=x' }),
      ),
    ).toBe(true);
  });

  it('defaults the service name and namespace from the Kubernetes annotations', () => {
    const e = entity('component-name', {
      'backstage.io/kubernetes-id': 'orders',
      'backstage.io/kubernetes-namespace': 'shop',
    });
    expect(telemetryFromEntity(e)).toEqual({
      serviceName: 'orders',
      serviceNamespace: 'shop',
      lokiSelector: undefined,
      tenant: undefined,
    });
  });

  it('prefers explicit telemetry annotations', () => {
    const e = entity('c', {
      'backstage.io/kubernetes-id': 'orders',
      'haven.plus/otel-service-name': 'orders-api',
      'haven.plus/otel-service-namespace': 'shop',
      'haven.plus/loki-selector': '{app="orders"}',
      'haven.plus/telemetry-tenant': 'team-a',
    });
    expect(telemetryFromEntity(e)).toEqual({
      serviceName: 'orders-api',
      serviceNamespace: 'shop',
      lokiSelector: '{app="orders"}',
      tenant: 'team-a',
    });
  });
});

describe('vaultSecretNamesFromEntity', () => {
  const names = (value?: string) =>
    vaultSecretNamesFromEntity(
      entity(
        'x',
        value === undefined ? {} : { 'haven.plus/vault-secret-names': value },
      ),
    );

  it('reads the declared names in their order, trimmed and without repeats', () => {
    expect(
      names(' webui-secret-key, openai-api-key ,webui-secret-key,'),
    ).toEqual(['webui-secret-key', 'openai-api-key']);
  });

  it('is empty without the annotation or with a blank one', () => {
    expect(names()).toEqual([]);
    expect(names('  ')).toEqual([]);
  });

  it('leaves out what is not one key under the path: paths, values, globs, long names', () => {
    expect(
      names(
        [
          'api-key',
          '../other-app/api-key',
          'nested/key',
          'token=s3cr3t',
          'token: s3cr3t',
          'db.password',
          '*',
          'a'.repeat(129),
          'b'.repeat(128),
        ].join(','),
      ),
    ).toEqual(['api-key', 'db.password', 'b'.repeat(128)]);
  });

  it('takes at most 50 names', () => {
    const many = Array.from({ length: 60 }, (_, i) => `key-${i}`);
    expect(names(many.join(','))).toEqual(many.slice(0, 50));
  });
});

describe('the sandbox examples', () => {
  const examples = path.resolve(__dirname, '../../../examples/entities.yaml');
  const entities = parseAllDocuments(fs.readFileSync(examples, 'utf8')).map(
    d => d.toJS() as Entity,
  );
  const known = new Set(
    Object.entries(annotations)
      .filter(([name]) => name.startsWith('ANNOTATION_'))
      .map(([, value]) => value as string),
  );

  it('use only annotation keys that Haven+ defines or reuses', () => {
    const used = entities.flatMap(e =>
      Object.keys(e.metadata.annotations ?? {}),
    );
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter(key => !known.has(key))).toEqual([]);
  });

  it('have an Open WebUI component with every kind of data the entity page shows', () => {
    const webui = entities.find(
      e => e.metadata.name === 'open-webui-voorbeeld',
    );
    expect(webui).toBeDefined();
    expect(isKubernetesAvailable(webui!)).toBe(true);
    expect(vaultSecretsFromEntity(webui!)).toEqual({
      engine: 'kv-apps',
      path: 'apps/open-webui-voorbeeld/open-webui-voorbeeld',
    });
    expect(vaultSecretNamesFromEntity(webui!)).toEqual([
      'webui-secret-key',
      'openai-api-key',
    ]);
    expect(telemetryFromEntity(webui!)?.tenant).toBe('voorbeeld');
  });
});
