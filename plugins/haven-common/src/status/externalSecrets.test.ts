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
  externalSecretEventHint,
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

  /** The synced fixture with another Ready condition and target policies. */
  function withReady(
    ready: { status: string; reason: string; message: string },
    target: Record<string, string> = {},
  ) {
    return {
      ...syncedExternalSecret,
      spec: {
        ...syncedExternalSecret.spec,
        target: { ...syncedExternalSecret.spec?.target, ...target },
      },
      status: {
        ...syncedExternalSecret.status,
        conditions: [{ type: 'Ready', ...ready }],
      },
    };
  }

  // Condition reasons and messages as ESO's controller sets them
  // (external-secrets apis/externalsecrets/v1/externalsecret_types.go,
  // pkg/controllers/externalsecret/externalsecret_controller.go).
  it('is Missing with its own hint when ESO deleted the target (SecretDeleted)', () => {
    const result = externalSecretState(
      withReady(
        {
          status: 'True',
          reason: 'SecretDeleted',
          message: 'secret deleted due to DeletionPolicy=Delete',
        },
        { deletionPolicy: 'Delete' },
      ),
    );
    expect(result).toEqual({
      state: 'Missing',
      reason: 'SecretDeleted: secret deleted due to DeletionPolicy=Delete',
      hint: 'ESO deleted Secret orders-db because Vault returned no data for any key it reads (team-a/orders) and deletionPolicy is Delete. Write the secrets in Vault (the MissingProviderSecret Events name each missing key) and ESO creates the Secret again at its next refresh; with deletionPolicy Retain it keeps the last Secret while Vault is empty.',
    });
  });

  it('says the same for a generic target (ResourceDeleted)', () => {
    const result = externalSecretState(
      withReady({
        status: 'True',
        reason: 'ResourceDeleted',
        message: 'secret deleted due to DeletionPolicy=Delete',
      }),
    );
    expect(result.state).toBe('Missing');
    expect(result.hint).toMatch(/^ESO deleted Secret orders-db because/);
  });

  it('is Missing with its own hint when ESO kept the target (DeletionPolicy=Retain)', () => {
    const result = externalSecretState(
      withReady({
        status: 'True',
        reason: 'SecretSynced',
        message: 'secret retained due to DeletionPolicy=Retain',
      }),
    );
    expect(result).toEqual({
      state: 'Missing',
      reason: 'SecretSynced: secret retained due to DeletionPolicy=Retain',
      hint: 'Vault answered with no data for the keys it reads (team-a/orders), so ESO left Secret orders-db as it was (deletionPolicy Retain): it holds the values of an earlier sync, if any. Check those Vault secrets hold values.',
    });
  });

  it('is Missing for a generic target creationPolicy Merge does not create (ResourceMissing)', () => {
    const result = externalSecretState(
      withReady(
        {
          status: 'True',
          reason: 'ResourceMissing',
          message: 'resource will not be created due to CreationPolicy=Merge',
        },
        { creationPolicy: 'Merge' },
      ),
    );
    expect(result.state).toBe('Missing');
    expect(result.hint).toBe(
      'Secret orders-db does not exist and creationPolicy Merge will not create it: create it, or use creationPolicy Owner.',
    );
  });

  describe('Ready=False (SecretSyncedError), by message', () => {
    const failing = (message: string, target?: Record<string, string>) =>
      externalSecretState(
        withReady(
          { status: 'False', reason: 'SecretSyncedError', message },
          target,
        ),
      );

    it('says a missing key fails the sync only under deletionPolicy Retain', () => {
      const message = 'could not get secret data from provider';
      expect(failing(message).hint).toContain(
        'With deletionPolicy Retain a key that does not exist in Vault fails the sync too.',
      );
      expect(failing(message, { deletionPolicy: 'Delete' }).hint).not.toContain(
        'deletionPolicy Retain',
      );
    });

    it.each([
      [
        'could not update secret',
        'ESO read Vault but could not write Secret orders-db (a template error, invalid keys or the API server refusing it); the error is in the newest Warning Event with reason UpdateFailed (kubectl describe externalsecret orders-db -n team-a).',
      ],
      [
        'could not update secret, target is immutable',
        'Secret orders-db is immutable (spec.target.immutable) and the data from Vault changed; ESO does not retry until the ExternalSecret or the Secret changes. Delete the Secret (kubectl delete secret orders-db -n team-a) so ESO creates it with the new data.',
      ],
      [
        'target is owned by another ExternalSecret',
        'Another ExternalSecret already writes Secret orders-db (its controller owner reference, named in the newest Warning Event with reason UpdateFailed (kubectl describe externalsecret orders-db -n team-a)); two ExternalSecrets cannot share a target. Give this one its own spec.target.name, or remove the other.',
      ],
      [
        'failed to take ownership of target secret',
        'With creationPolicy Owner ESO makes itself the controller owner of Secret orders-db, and another controller already owns it. Choose a spec.target.name nothing else owns, or use creationPolicy Orphan or Merge to write it without owning it.',
      ],
      [
        'could not delete orphaned secrets',
        'With creationPolicy Owner ESO deletes the Secrets it created under an earlier spec.target.name, and that failed; which one and why is in the newest Warning Event with reason UpdateFailed (kubectl describe externalsecret orders-db -n team-a).',
      ],
      [
        'invalid generic target',
        'spec.target.manifest is set, but ESO runs without --unsafe-allow-generic-targets or the manifest lacks apiVersion or kind; ESO does not retry until the ExternalSecret changes. The cause is in the newest Warning Event with reason UpdateFailed (kubectl describe externalsecret orders-db -n team-a).',
      ],
    ])('%s', (message, hint) => {
      expect(failing(message)).toEqual({
        state: 'Error',
        reason: `SecretSyncedError: ${message}`,
        hint,
      });
    });

    it('could not delete secret: names creationPolicy when it is not Owner', () => {
      expect(
        failing('could not delete secret', {
          creationPolicy: 'Merge',
          deletionPolicy: 'Delete',
        }).hint,
      ).toBe(
        'Vault returned no data and deletionPolicy is Delete, but ESO deletes only a Secret it owns and creationPolicy is Merge; ESO does not retry until the ExternalSecret changes. Use creationPolicy Owner, or deletionPolicy Retain or Merge.',
      );
    });

    it('could not delete secret: points at the events under creationPolicy Owner', () => {
      expect(
        failing('could not delete secret', { deletionPolicy: 'Delete' }).hint,
      ).toBe(
        "Vault returned no data and deletionPolicy is Delete, but deleting Secret orders-db failed; the API server's answer is in the newest Warning Event with reason UpdateFailed (kubectl describe externalsecret orders-db -n team-a).",
      );
    });

    it('points at the events for a message it does not know', () => {
      expect(failing('could not get target resource').hint).toBe(
        "The cause is in the ExternalSecret's events, the newest Warning Event with reason UpdateFailed (kubectl describe externalsecret orders-db -n team-a).",
      );
    });
  });

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

// Event reasons and messages as ESO records them on the ExternalSecret
// (apis/externalsecrets/v1/externalsecret_types.go Reason*, recorded in
// pkg/controllers/externalsecret/externalsecret_controller{,_secret}.go).
describe('externalSecretEventHint', () => {
  it.each([
    [
      'UpdateFailed, key missing in Vault',
      {
        type: 'Warning',
        reason: 'UpdateFailed',
        message:
          'error processing spec.data[0] (key: team-a/orders), err: Secret does not exist',
      },
      "Vault has no secret at team-a/orders: write it in Vault, or correct remoteRef.key in the fleet repository's ExternalSecret. With deletionPolicy Retain one missing key fails the whole sync.",
    ],
    [
      'UpdateFailed, Vault refused',
      {
        type: 'Warning',
        reason: 'UpdateFailed',
        message:
          'error processing spec.data[0] (key: team-a/orders), err: Error making API request.\n\nURL: GET https://vault/v1/kv/data/team-a/orders\nCode: 403. Errors:\n\n* permission denied',
      },
      "Vault refused the read: the policy of the SecretStore's Vault role does not grant read on this path. Check the role and its policy cover the app's KV path.",
    ],
    [
      'MissingProviderSecret',
      {
        type: 'Normal',
        reason: 'MissingProviderSecret',
        message:
          'secret does not exist at provider using spec.dataFrom[0] (key=team-a/api)',
      },
      'Vault has no secret at team-a/api; with deletionPolicy Delete or Merge ESO leaves it out rather than failing. Write it in Vault, or remove the entry from the ExternalSecret.',
    ],
    [
      'Deleted under deletionPolicy Delete',
      {
        type: 'Normal',
        reason: 'Deleted',
        message: 'secret deleted due to DeletionPolicy=Delete',
      },
      'ESO deleted the target Secret: Vault returned no data for any key it reads and deletionPolicy is Delete. Workloads that read it fail until the keys are in Vault again.',
    ],
    [
      'Deleted, orphaned',
      {
        type: 'Normal',
        reason: 'Deleted',
        message: 'secret deleted because it was orphaned',
      },
      'ESO deleted a Secret it had created under an earlier spec.target.name (creationPolicy Owner); check nothing still reads the old name.',
    ],
    [
      'ParameterDeprecated',
      { type: 'Warning', reason: 'ParameterDeprecated', message: 'x' },
      'The ExternalSecret uses a field ESO has deprecated (the message names it): change it in the fleet repository before an ESO upgrade drops it.',
    ],
  ])('%s', (_what, event, hint) => {
    expect(externalSecretEventHint(event)).toBe(hint);
  });

  it.each([
    ['Created', 'secret created'],
    ['Updated', 'secret updated'],
    ['UpdateFailed', 'could not apply template: template: x: unexpected EOF'],
  ])('asks for nothing on %s (%s)', (reason, message) => {
    expect(externalSecretEventHint({ reason, message })).toBeUndefined();
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

  it.each([
    [
      'unable to create client',
      "ESO could not log in to Vault with the store's auth: for Kubernetes auth, Vault's role must be bound to the store's service account and namespace, and Vault must be reachable. Vault's answer is in the store's events (kubectl describe secretstore vault-team-a -n team-a).",
    ],
    [
      'unable to validate store',
      "ESO logged in to Vault but its token lookup (auth/token/lookup-self) failed: the token expired or was revoked, or its policy does not allow the lookup. Vault's answer is in the store's events (kubectl describe secretstore vault-team-a -n team-a).",
    ],
  ])('says what InvalidProviderConfig "%s" means', (message, hint) => {
    const store = {
      ...invalidSecretStore,
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'InvalidProviderConfig',
            message,
          },
        ],
      },
    };
    expect(secretStoreState(store).hint).toBe(hint);
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
