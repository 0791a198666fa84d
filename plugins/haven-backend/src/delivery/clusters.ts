import type { Config } from '@backstage/config';

/**
 * One cluster of `kubernetes.clusterLocatorMethods[].clusters[]` (a locator
 * of `type: config`), as Backstage's Kubernetes backend reads it
 * (plugin-kubernetes-backend, ConfigClusterLocator; its config.d.ts declares
 * the keys and marks serviceAccountToken secret). The Delivery card's actions
 * write through the same cluster and credentials the card reads through.
 */
export interface DeliveryCluster {
  name: string;
  url: string;
  authProvider: string;
  /** Absent: the token the pod's service account has mounted. */
  serviceAccountToken?: string;
  skipTLSVerify: boolean;
  /** PEM, decoded from caData; or read from caFile. */
  caData?: string;
  caFile?: string;
}

function present(value: string | undefined): string | undefined {
  return value && value.trim().length > 0 ? value : undefined;
}

/** The clusters app-config lists by hand; other locator types are skipped. */
export function readDeliveryClusters(config: Config): DeliveryCluster[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  return methods
    .filter(method => method.getString('type') === 'config')
    .flatMap(method => method.getOptionalConfigArray('clusters') ?? [])
    .map(cluster => {
      const caData = present(cluster.getOptionalString('caData'));
      return {
        name: cluster.getString('name'),
        url: cluster.getString('url'),
        authProvider: cluster.getString('authProvider'),
        serviceAccountToken: present(
          cluster.getOptionalString('serviceAccountToken'),
        ),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
        // Backstage: "Base64-encoded certificate authority bundle in PEM format".
        caData: caData && Buffer.from(caData, 'base64').toString('utf8'),
        caFile: present(cluster.getOptionalString('caFile')),
      };
    });
}
