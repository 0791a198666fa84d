import {
  failingExternalSecret,
  invalidSecretStore,
  missingTargetExternalSecret,
  newExternalSecret,
  reconcilingExternalSecret,
  syncedExternalSecret,
  unverifiedClusterSecretStore,
  validSecretStore,
  vaultSecretWrittenAfterSync,
  vaultSection,
} from './fixtures';
import {
  externalSecretState,
  externalSecretVaultKeys,
  secretStoreState,
  syncedGeneration,
  vaultSecretsForExternalSecret,
} from './externalSecrets';

// Last sync 10:00, refresh interval 1h.
const at = (time: string) => new Date(`2026-08-22T${time}Z`);

describe('externalSecretState', () => {
  it('is Synced with ESO reason and message (contracts 2.4 example)', () => {
    expect(
      externalSecretState(
        syncedExternalSecret,
        vaultSection.secrets[0],
        at('10:30:00'),
      ),
    ).toEqual({
      state: 'Synced',
      reason: 'SecretSynced: secret synced, last sync 2026-08-22T10:00:00Z',
    });
  });

  it('is Error with the generic message and points at the events', () => {
    const result = externalSecretState(failingExternalSecret);
    expect(result.state).toBe('Error');
    expect(result.reason).toBe(
      'SecretSyncedError: could not get secret data from provider',
    );
    expect(result.hint).toContain(
      "the cause is in the ExternalSecret's events",
    );
    expect(result.hint).toContain(
      'kubectl describe externalsecret orders-db -n team-a',
    );
  });

  it('is Error even while a newer generation is unsynced', () => {
    expect(
      externalSecretState({
        ...failingExternalSecret,
        metadata: { ...failingExternalSecret.metadata, generation: 4 },
      }).state,
    ).toBe('Error');
  });

  it('is Reconciling when the synced generation is behind metadata.generation', () => {
    expect(externalSecretState(reconcilingExternalSecret)).toEqual({
      state: 'Reconciling',
      reason: 'spec generation 4 not synced yet (last synced: generation 3)',
    });
  });

  it('is Reconciling without a status', () => {
    expect(externalSecretState(newExternalSecret)).toEqual({
      state: 'Reconciling',
      reason: 'Pending: External Secrets Operator has not reconciled it yet',
    });
  });

  it('is Reconciling while Ready is Unknown', () => {
    expect(
      externalSecretState({
        ...syncedExternalSecret,
        status: {
          ...syncedExternalSecret.status,
          conditions: [{ type: 'Ready', status: 'Unknown' }],
        },
      }).state,
    ).toBe('Reconciling');
  });

  it('is Missing when creationPolicy Merge finds no target Secret', () => {
    const result = externalSecretState(missingTargetExternalSecret);
    expect(result.state).toBe('Missing');
    expect(result.reason).toBe(
      'SecretMissing: secret will not be created due to CreationPolicy=Merge',
    );
    expect(result.hint).toContain('Secret orders-db does not exist');
  });

  it.each([
    ['SecretDeleted', 'secret deleted due to DeletionPolicy=Delete'],
    ['SecretSynced', 'secret retained due to DeletionPolicy=Retain'],
  ])(
    'is Missing when the provider returned no data (%s)',
    (reason, message) => {
      expect(
        externalSecretState({
          ...syncedExternalSecret,
          status: {
            ...syncedExternalSecret.status,
            conditions: [{ type: 'Ready', status: 'True', reason, message }],
          },
        }),
      ).toMatchObject({ state: 'Missing', reason: `${reason}: ${message}` });
    },
  );

  describe('staleness against Vault', () => {
    it('is Synced while the refresh that reads the new version is not due', () => {
      // Written 10:20, next refresh due 11:00.
      expect(
        externalSecretState(
          syncedExternalSecret,
          vaultSecretWrittenAfterSync,
          at('10:50:00'),
        ).state,
      ).toBe('Synced');
    });

    it('is Stale once the refresh interval passed without a sync', () => {
      const result = externalSecretState(
        syncedExternalSecret,
        vaultSecretWrittenAfterSync,
        at('11:10:00'),
      );
      expect(result.state).toBe('Stale');
      expect(result.reason).toBe(
        'Vault secret orders version 3 was written at 2026-08-22T10:20:00.000Z, after the last sync at 2026-08-22T10:00:00.000Z, and the refresh interval 1h has passed without a sync',
      );
      expect(result.hint).toContain(
        'kubectl annotate externalsecret orders-db -n team-a force-sync=',
      );
    });

    it('is Stale when Vault was written more than an interval after the last sync', () => {
      expect(
        externalSecretState(
          syncedExternalSecret,
          {
            ...vaultSecretWrittenAfterSync,
            updatedTime: '2026-08-22T11:30:00Z',
          },
          at('11:31:00'),
        ).state,
      ).toBe('Stale');
    });

    it('reads a Go duration such as 1h0m0s', () => {
      const es = {
        ...syncedExternalSecret,
        spec: { ...syncedExternalSecret.spec, refreshInterval: '0h30m0s' },
      };
      expect(
        externalSecretState(es, vaultSecretWrittenAfterSync, at('10:31:00'))
          .state,
      ).toBe('Stale');
      expect(
        externalSecretState(es, vaultSecretWrittenAfterSync, at('10:29:00'))
          .state,
      ).toBe('Synced');
    });

    it('is Stale at once when ESO never reads again (refreshInterval 0s)', () => {
      const result = externalSecretState(
        {
          ...syncedExternalSecret,
          spec: { ...syncedExternalSecret.spec, refreshInterval: '0s' },
        },
        vaultSecretWrittenAfterSync,
        at('10:21:00'),
      );
      expect(result.state).toBe('Stale');
      expect(result.reason).toContain('refreshInterval 0s');
    });

    it('is Synced when Vault was not written after the last sync', () => {
      expect(
        externalSecretState(
          syncedExternalSecret,
          vaultSection.secrets[0],
          at('23:00:00'),
        ).state,
      ).toBe('Synced');
    });

    it('is not judged without Vault metadata', () => {
      expect(
        externalSecretState(syncedExternalSecret, undefined, at('23:00:00'))
          .state,
      ).toBe('Synced');
    });
  });
});

describe('syncedGeneration', () => {
  it('reads the generation before the hash', () => {
    expect(syncedGeneration('3-0b1a2c…')).toBe(3);
    expect(syncedGeneration(`12-${'a'.repeat(56)}`)).toBe(12);
    expect(syncedGeneration(undefined)).toBeUndefined();
    expect(syncedGeneration('abc')).toBeUndefined();
  });
});

describe('vaultSecretsForExternalSecret', () => {
  it('matches remoteRef and extract keys under the entity path', () => {
    const es = {
      ...syncedExternalSecret,
      spec: {
        ...syncedExternalSecret.spec,
        data: [
          { secretKey: 'A', remoteRef: { key: 'team-a/orders' } },
          { secretKey: 'B', remoteRef: { key: '/team-a/gone/' } },
          { secretKey: 'C', remoteRef: { key: 'shared/smtp' } },
        ],
        dataFrom: [{ extract: { key: 'team-a/api' } }],
      },
    };
    expect(externalSecretVaultKeys(es)).toEqual([
      'team-a/orders',
      'team-a/gone',
      'shared/smtp',
      'team-a/api',
    ]);
    const api = {
      name: 'api',
      version: 7,
      createdTime: '2026-08-01T00:00:00Z',
      updatedTime: '2026-08-23T00:00:00Z',
    };
    const result = vaultSecretsForExternalSecret(es, {
      path: 'team-a/',
      secrets: [...vaultSection.secrets, api],
    });
    expect(result.secrets).toEqual([vaultSection.secrets[0], api]);
    // shared/smtp is outside the entity's path: unknown, not missing.
    expect(result.missingKeys).toEqual(['team-a/gone']);
    expect(result.newest).toBe(api);
  });
});

describe('secretStoreState', () => {
  it('is Valid for a validated store', () => {
    expect(secretStoreState(validSecretStore)).toEqual({
      state: 'Valid',
      reason: 'Valid: store validated',
    });
  });

  it('is Error with the reason and points at the events', () => {
    const result = secretStoreState(invalidSecretStore);
    expect(result.state).toBe('Error');
    expect(result.reason).toBe(
      'InvalidProviderConfig: unable to validate store',
    );
    expect(result.hint).toContain(
      'kubectl describe secretstore vault-team-a -n team-a',
    );
  });

  it('is Unverified when ESO could not determine validation (Ready stays True)', () => {
    const result = secretStoreState(unverifiedClusterSecretStore);
    expect(result.state).toBe('Unverified');
    expect(result.reason).toBe(
      'ValidationUnknown: could not determine validation status',
    );
  });

  it('is Pending before ESO validated it', () => {
    expect(secretStoreState({ kind: 'SecretStore' }).state).toBe('Pending');
  });
});
