import type { CompoundEntityRef } from '@backstage/catalog-model';
import {
  createApiRef,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  DeliveryAction,
  DeliveryActionResult,
  DeliveryActionTarget,
  HavenDeliveryApi,
} from './deliveryActions';
import type {
  EntityTelemetry,
  FollowThroughView,
  HavenApi,
  TelemetryWindow,
} from './types';

/** The haven-backend API: telemetry, and the Delivery card's actions. @public */
export const havenApiRef = createApiRef<HavenApi & HavenDeliveryApi>({
  id: 'plugin.haven.service',
});

/**
 * Talks to haven-backend (`/api/haven`) with the caller's Backstage identity
 * (through `fetchApi`); the backend builds every query itself.
 * @public
 */
export class HavenClient implements HavenApi, HavenDeliveryApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  /** `<haven base>/entities/<kind>/<namespace>/<name>/<rest>` */
  private async entityUrl(
    entityRef: CompoundEntityRef,
    rest: string,
  ): Promise<URL> {
    const baseUrl = await this.discoveryApi.getBaseUrl('haven');
    const segments = [entityRef.kind, entityRef.namespace, entityRef.name]
      .map(encodeURIComponent)
      .join('/');
    return new URL(
      `${baseUrl.replace(/\/+$/, '')}/entities/${segments}/${rest}`,
    );
  }

  async getTelemetry(
    entityRef: CompoundEntityRef,
    window: TelemetryWindow,
  ): Promise<EntityTelemetry> {
    const url = await this.entityUrl(entityRef, 'telemetry');
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

  async getFollowThrough(
    entityRef: CompoundEntityRef,
  ): Promise<FollowThroughView | null> {
    const url = await this.entityUrl(entityRef, 'follow-through');
    const response = await this.fetchApi.fetch(url.toString());
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = (await response.json()) as { followThrough?: unknown };
    if (!body || !('followThrough' in body)) {
      throw new Error(
        `haven-backend answered ${url.pathname} without a followThrough field; are the frontend and backend plugins the same version?`,
      );
    }
    return (body.followThrough as FollowThroughView | null) ?? null;
  }

  /**
   * `POST .../delivery/<action>` with the object; haven-backend checks the
   * permission, sets the annotation and answers 202 with what it set.
   */
  async requestDeliveryAction(
    entityRef: CompoundEntityRef,
    action: DeliveryAction,
    target: DeliveryActionTarget,
  ): Promise<DeliveryActionResult> {
    const url = await this.entityUrl(
      entityRef,
      `delivery/${encodeURIComponent(action)}`,
    );
    const response = await this.fetchApi.fetch(url.toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(target),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body: unknown = await response.json();
    if (!isDeliveryActionResult(body)) {
      throw new Error(
        `haven-backend answered ${url.pathname} without the annotation it set; are the frontend and backend plugins the same version?`,
      );
    }
    return body;
  }
}

function isDeliveryActionResult(body: unknown): body is DeliveryActionResult {
  if (typeof body !== 'object' || body === null) return false;
  const { annotation, requestedAt } = body as Record<string, unknown>;
  return typeof annotation === 'string' && typeof requestedAt === 'string';
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
