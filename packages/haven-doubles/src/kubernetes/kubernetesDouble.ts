import { http, HttpResponse, type HttpHandler, type JsonBodyType } from 'msw';
import {
  findResourceType,
  resourceTypeOfObject,
  type ResourceType,
} from './resources';
import {
  LabelSelectorError,
  matchesLabels,
  parseLabelSelector,
} from './labelSelector';
import {
  checkFieldSelector,
  FieldSelectorError,
  matchesFields,
  parseFieldSelector,
} from './fieldSelector';
import { statusBody } from './status';
import { answerPatch } from './patch';

/** The parts of an object the double reads; everything else is kept as is. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface KubernetesDoubleOptions {
  /** Origin the handlers answer on, e.g. http://127.0.0.1:7101 */
  baseUrl: string;
  /** Bearer token the API server accepts; requests without it get 401. */
  token: string;
  /** Objects in the cluster at start. */
  objects?: KubernetesObject[];
  /** Resource types the token may not list (RBAC), answered with 403. */
  forbidden?: Array<{ group: string; plural: string }>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  labelSelector: string | null;
  fieldSelector: string | null;
  status: number;
}

/**
 * A Kubernetes API server double: the list and get calls (list with
 * `labelSelector` and `fieldSelector`), with RBAC and auth.
 */
export interface KubernetesDouble {
  handlers: HttpHandler[];
  /** Adds or replaces an object (same apiVersion group, kind, namespace, name). */
  apply(object: KubernetesObject): void;
  /**
   * Deletes an object (same apiVersion group, kind, namespace, name), as the
   * API server does for Flux's garbage collection; false when there was none.
   */
  remove(object: KubernetesObject): boolean;
  /** Requests the double answered, oldest first. */
  requests: RecordedRequest[];
}

interface ParsedPath {
  group: string;
  version: string;
  namespace?: string;
  plural: string;
  name?: string;
}

/**
 * /api/v1[/namespaces/{ns}]/{plural}[/{name}]
 * /apis/{group}/{version}[/namespaces/{ns}]/{plural}[/{name}]
 */
function parsePath(pathname: string): ParsedPath | undefined {
  const segments = pathname.split('/').filter(s => s.length > 0);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  // "namespaces/{ns}/{plural}..." is a namespaced path; "namespaces[/{name}]"
  // alone is the Namespace resource itself.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length > 2) return undefined;
  return { group, version, namespace, plural: rest[0], name: rest[1] };
}

function apiVersionOf(type: ResourceType, version: string): string {
  return type.group ? `${type.group}/${version}` : version;
}

/** kubectl's "resource.group" spelling used in RBAC and NotFound messages. */
function qualifiedResource(type: ResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

/** The RBAC verb of a request, as the API server names it in a 403. */
function verbOf(method: string, name: string | undefined): string {
  if (method === 'PATCH') return 'patch';
  return name ? 'get' : 'list';
}

export function createKubernetesDouble(
  options: KubernetesDoubleOptions,
): KubernetesDouble {
  const base = options.baseUrl.replace(/\/+$/, '');
  const store = new Map<string, KubernetesObject>();
  const requests: RecordedRequest[] = [];
  let resourceVersion = 1000;

  const keyOf = (
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ) => `${type.group}/${type.plural}/${namespace ?? ''}/${name}`;

  const apply = (object: KubernetesObject) => {
    const type = resourceTypeOfObject(object.apiVersion, object.kind);
    if (!type) {
      throw new Error(
        `The Kubernetes double does not serve ${object.apiVersion} ${object.kind}`,
      );
    }
    if (type.namespaced && !object.metadata.namespace) {
      throw new Error(
        `${object.kind} ${object.metadata.name} needs a namespace`,
      );
    }
    resourceVersion += 1;
    store.set(keyOf(type, object.metadata.namespace, object.metadata.name), {
      ...object,
      metadata: {
        ...object.metadata,
        resourceVersion: String(resourceVersion),
      },
    });
  };
  (options.objects ?? []).forEach(apply);

  const remove = (object: KubernetesObject): boolean => {
    const type = resourceTypeOfObject(object.apiVersion, object.kind);
    if (!type) return false;
    return store.delete(
      keyOf(type, object.metadata.namespace, object.metadata.name),
    );
  };

  const answer = (request: Request, status: number, body: JsonBodyType) => {
    const url = new URL(request.url);
    requests.push({
      method: request.method,
      path: url.pathname,
      labelSelector: url.searchParams.get('labelSelector'),
      fieldSelector: url.searchParams.get('fieldSelector'),
      status,
    });
    return HttpResponse.json(body, { status });
  };

  const handler = http.all(`${base}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const labelSelector = url.searchParams.get('labelSelector');
    const fieldSelector = url.searchParams.get('fieldSelector');

    const auth = request.headers.get('authorization');
    if (auth !== `Bearer ${options.token}`) {
      return answer(
        request,
        401,
        statusBody(401, 'Unauthorized', 'Unauthorized'),
      );
    }
    if (request.method !== 'GET' && request.method !== 'PATCH') {
      return answer(
        request,
        405,
        statusBody(
          405,
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource`,
        ),
      );
    }

    const parsed = parsePath(url.pathname);
    const type =
      parsed && findResourceType(parsed.group, parsed.version, parsed.plural);
    if (!parsed || !type || (parsed.namespace && !type.namespaced)) {
      return answer(
        request,
        404,
        statusBody(
          404,
          'NotFound',
          'the server could not find the requested resource',
        ),
      );
    }

    const scope = parsed.namespace
      ? `in the namespace "${parsed.namespace}"`
      : 'at the cluster scope';
    if (
      options.forbidden?.some(
        f => f.group === type.group && f.plural === type.plural,
      )
    ) {
      return answer(
        request,
        403,
        statusBody(
          403,
          'Forbidden',
          `${qualifiedResource(
            type,
          )} is forbidden: User "system:serviceaccount:backstage:backstage" cannot ${verbOf(
            request.method,
            parsed.name,
          )} resource "${type.plural}" in API group "${type.group}" ${scope}`,
          { group: type.group, kind: type.plural },
        ),
      );
    }

    if (request.method === 'PATCH') {
      const key = keyOf(type, parsed.namespace, parsed.name ?? '');
      const patched = await answerPatch(request, {
        ...parsed,
        type,
        current: parsed.name ? store.get(key) : undefined,
        save: object => {
          apply(object);
          return store.get(key) ?? object;
        },
      });
      return answer(request, patched.status, patched.body);
    }

    if (parsed.name) {
      const found = store.get(keyOf(type, parsed.namespace, parsed.name));
      if (!found) {
        return answer(
          request,
          404,
          statusBody(
            404,
            'NotFound',
            `${qualifiedResource(type)} "${parsed.name}" not found`,
            {
              name: parsed.name,
              group: type.group,
              kind: type.plural,
            },
          ),
        );
      }
      return answer(request, 200, found as JsonBodyType);
    }

    let requirements;
    let fieldRequirements;
    try {
      requirements = parseLabelSelector(labelSelector ?? '');
      fieldRequirements = parseFieldSelector(fieldSelector ?? '');
      checkFieldSelector(type, fieldRequirements);
    } catch (e) {
      if (
        !(e instanceof LabelSelectorError) &&
        !(e instanceof FieldSelectorError)
      ) {
        throw e;
      }
      return answer(request, 400, statusBody(400, 'BadRequest', e.message));
    }

    const items = [...store.values()]
      .filter(o => resourceTypeOfObject(o.apiVersion, o.kind) === type)
      .filter(
        o => !parsed.namespace || o.metadata.namespace === parsed.namespace,
      )
      .filter(o => matchesLabels(requirements, o.metadata.labels))
      .filter(o => matchesFields(type, fieldRequirements, o))
      // etcd returns a list in key order: /registry/<resource>/<ns>/<name>
      .map(o => ({
        o,
        key: `${o.metadata.namespace ?? ''}/${o.metadata.name}`,
      }))
      .sort((a, b) => (a.key < b.key ? -1 : Number(a.key > b.key)))
      .map(({ o }) => o)
      .map(o => {
        if (type.custom)
          return { ...o, apiVersion: apiVersionOf(type, parsed.version) };
        // Built-in list responses carry kind/apiVersion on the list, not the items.
        const { apiVersion: _a, kind: _k, ...rest } = o;
        return rest;
      });

    return answer(request, 200, {
      apiVersion: apiVersionOf(type, parsed.version),
      kind: `${type.kind}List`,
      metadata: { resourceVersion: String(resourceVersion) },
      items,
    });
  });

  return { handlers: [handler], apply, remove, requests };
}
