import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { makeValidator, parseEntityRef } from '@backstage/catalog-model';
import { CustomErrorBase, InputError } from '@backstage/errors';

/** The haven backend could not be reached, or answered what the action cannot use. @public */
export class HavenBackendError extends CustomErrorBase {
  name = 'HavenBackendError' as const;
}

const validator = makeValidator();

/**
 * The catalog's entity reference in its full form, `kind:namespace/name`
 * (what EntityPicker and catalog:fetch give), or `kind:name` in the default
 * namespace, read by the catalog's own parseEntityRef. The parts go into
 * a route's path, so each must also be a valid kind, namespace and name
 * (the catalog model's validators).
 */
export function entityRefParts(ref: string): {
  kind: string;
  namespace: string;
  name: string;
} {
  let parsed: { kind: string; namespace: string; name: string } | undefined;
  try {
    parsed = parseEntityRef(ref);
  } catch {
    parsed = undefined;
  }
  if (
    !parsed ||
    !validator.isValidKind(parsed.kind) ||
    !validator.isValidNamespace(parsed.namespace) ||
    !validator.isValidEntityName(parsed.name)
  ) {
    throw new InputError(
      `Invalid entityRef ${JSON.stringify(
        ref.slice(0, 80),
      )}: give the entity as kind:namespace/name, e.g. component:default/open-webui (the output of catalog:fetch or an EntityPicker)`,
    );
  }
  return { ...parsed, kind: parsed.kind.toLocaleLowerCase('en-US') };
}

/** What an action needs to call the haven backend. */
export interface HavenBackendAccess {
  auth: AuthService;
  discovery: DiscoveryService;
  fetch: typeof fetch;
}

/**
 * `POST <haven backend><route>` with a JSON body, on behalf of the task's
 * initiator (a token for the haven plugin made from their credentials), so
 * the backend applies their permissions. A connection failure is a
 * HavenBackendError naming what to check; any answer is returned as is.
 */
export async function postToHavenBackend(
  access: HavenBackendAccess,
  initiator: BackstageCredentials,
  route: string,
  body: unknown,
  what: string,
): Promise<Response> {
  const { token } = await access.auth.getPluginRequestToken({
    onBehalfOf: initiator,
    targetPluginId: 'haven',
  });
  const baseUrl = await access.discovery.getBaseUrl('haven');
  try {
    return await access.fetch(`${baseUrl}${route}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new HavenBackendError(
      `Could not reach the haven backend to ${what}; is @haven-plus/plugin-haven-backend installed in this backend?`,
      error,
    );
  }
}
