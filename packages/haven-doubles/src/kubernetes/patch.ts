import type { JsonBodyType } from 'msw';
import type { KubernetesObject } from './kubernetesDouble';
import type { ResourceType } from './resources';
import { statusBody } from './status';

/**
 * PATCH on the Kubernetes API double, for the objects the entity page acts
 * on: an ExternalSecret (ESO's `force-sync` annotation) and a Flux
 * Kustomization or HelmRelease (`reconcile.fluxcd.io/requestedAt`).
 *
 * What the API server does, after the Kubernetes API reference ("Patch" in
 * API Concepts, and the apiserver's endpoints/handlers/patch.go):
 * - the body's media type picks the patch strategy; a custom resource takes
 *   JSON Patch, JSON merge patch and server-side apply, never strategic
 *   merge; any other type is a 415 UnsupportedMediaType Status;
 * - a JSON merge patch is RFC 7386: objects merge key by key, `null` removes
 *   a key, anything else (arrays too) replaces the value;
 * - a missing object is a 404 NotFound Status, a patch that renames the
 *   object or moves it to another namespace a 400 BadRequest, a
 *   `metadata.resourceVersion` that is not the stored one a 409 Conflict;
 * - the answer is 200 with the whole updated object, at a new
 *   resourceVersion.
 *
 * The double implements merge patch only: JSON Patch and apply are refused
 * with the API server's 415 too, so a caller relying on them fails here
 * first. PATCH on a collection is a 405 MethodNotAllowed.
 */

/** What a custom resource's PATCH accepts (apiserver, CRD handler). */
export const CUSTOM_RESOURCE_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
] as const;

const MERGE_PATCH = 'application/merge-patch+json';

/** The resource types the double lets a client patch, as `plural.group`. */
const PATCHABLE = new Set([
  'externalsecrets.external-secrets.io',
  'kustomizations.kustomize.toolkit.fluxcd.io',
  'helmreleases.helm.toolkit.fluxcd.io',
]);

export function isPatchable(type: ResourceType): boolean {
  return PATCHABLE.has(`${type.plural}.${type.group}`);
}

export interface PatchRequest {
  type: ResourceType;
  namespace?: string;
  name?: string;
  /** The stored object at the path, if any. */
  current: KubernetesObject | undefined;
  /** Stores the patched object; returns it as stored (new resourceVersion). */
  save(object: KubernetesObject): KubernetesObject;
}

export interface PatchAnswer {
  status: number;
  body: JsonBodyType;
}

type Json = JsonBodyType;

function isPlainObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386 section 2, MergePatch(Target, Patch). */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, Json> = isPlainObject(target)
    ? { ...target }
    : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}

function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function qualified(type: ResourceType): string {
  return `${type.plural}.${type.group}`;
}

/** A failure answer: the Status body and its code as the HTTP status. */
function failure(...args: Parameters<typeof statusBody>): PatchAnswer {
  return { status: args[0], body: statusBody(...args) };
}

/** The double's answer to a PATCH of a patchable custom resource. */
export async function answerPatch(
  request: Request,
  target: PatchRequest,
): Promise<PatchAnswer> {
  const { type, namespace, name, current } = target;
  if (!isPatchable(type) || !name) {
    return failure(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  }
  if (mediaType(request.headers.get('content-type')) !== MERGE_PATCH) {
    return failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${CUSTOM_RESOURCE_PATCH_TYPES.join(
        ', ',
      )}`,
    );
  }
  let patch: Json;
  try {
    patch = JSON.parse(await request.text()) as Json;
  } catch (e) {
    return failure(
      400,
      'BadRequest',
      `error decoding patch: ${(e as Error).message}`,
    );
  }
  if (!current) {
    return failure(404, 'NotFound', `${qualified(type)} "${name}" not found`, {
      name,
      group: type.group,
      kind: type.plural,
    });
  }
  const patchedVersion = isPlainObject(patch)
    ? (patch.metadata as { resourceVersion?: unknown } | undefined)
        ?.resourceVersion
    : undefined;
  if (
    patchedVersion !== undefined &&
    patchedVersion !== current.metadata.resourceVersion
  ) {
    return failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(
        type,
      )} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, group: type.group, kind: type.plural },
    );
  }
  const patched = applyMergePatch(current as unknown as Json, patch);
  if (!isPlainObject(patched) || !isPlainObject(patched.metadata)) {
    return failure(400, 'BadRequest', 'Object has no metadata');
  }
  if (patched.metadata.name !== name) {
    return failure(
      400,
      'BadRequest',
      `the name of the object (${String(
        patched.metadata.name,
      )}) does not match the name on the URL (${name})`,
    );
  }
  if (patched.metadata.namespace !== namespace) {
    return failure(
      400,
      'BadRequest',
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  if (
    patched.apiVersion !== current.apiVersion ||
    patched.kind !== current.kind
  ) {
    return failure(
      400,
      'BadRequest',
      `the apiVersion and kind of the object (${String(
        patched.apiVersion,
      )}, ${String(patched.kind)}) do not match the resource on the URL`,
    );
  }
  const saved = target.save(patched as unknown as KubernetesObject);
  return { status: 200, body: saved as unknown as JsonBodyType };
}
