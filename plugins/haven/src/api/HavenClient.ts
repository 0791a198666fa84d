import type { CompoundEntityRef } from '@backstage/catalog-model';
import {
  createApiRef,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { EntityTelemetry, HavenApi, TelemetryWindow } from './types';

/** The haven-backend API. @public */
export const havenApiRef = createApiRef<HavenApi>({
  id: 'plugin.haven.service',
});

/**
 * Talks to haven-backend (`/api/haven`) with the caller's Backstage identity
 * (through `fetchApi`); the backend builds every query itself.
 * @public
 */
export class HavenClient implements HavenApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getTelemetry(
    entityRef: CompoundEntityRef,
    window: TelemetryWindow,
  ): Promise<EntityTelemetry> {
    const baseUrl = await this.discoveryApi.getBaseUrl('haven');
    const segments = [entityRef.kind, entityRef.namespace, entityRef.name]
      .map(encodeURIComponent)
      .join('/');
    const url = new URL(
      `${baseUrl.replace(/\/+$/, '')}/entities/${segments}/telemetry`,
    );
    url.search = new URLSearchParams({ window }).toString();
    const response = await this.fetchApi.fetch(url.toString());
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body: unknown = await response.json();
    if (!isEntityTelemetry(body)) {
      throw new Error(
        `haven-backend answered ${url.pathname} with a body that has no vault, logs and traces sections; are the frontend and backend plugins the same version?`,
      );
    }
    return body;
  }
}

function hasStatus(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { status?: unknown }).status === 'string'
  );
}

function isEntityTelemetry(body: unknown): body is EntityTelemetry {
  if (typeof body !== 'object' || body === null) return false;
  const { vault, logs, traces } = body as Record<string, unknown>;
  return hasStatus(vault) && hasStatus(logs) && hasStatus(traces);
}
