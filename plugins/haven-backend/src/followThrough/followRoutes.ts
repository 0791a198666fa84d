import express from 'express';
import Router from 'express-promise-router';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  FollowThroughAnswer,
  FollowThroughView,
} from '@haven-plus/plugin-haven-common';
import type { PullRequestState } from '@haven-plus/plugin-haven-node';
import type { FollowRecord, FollowStore } from './FollowStore';

export interface FollowRoutesOptions {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  store: FollowStore;
  pullRequests: { read(url: string): Promise<PullRequestState> };
}

function view(record: FollowRecord): FollowThroughView {
  return {
    pullRequest: {
      url: record.pullRequestUrl,
      title: record.prTitle,
      state: record.prState,
      mergedAt: record.mergedAt,
    },
    outcome: record.outcome,
    reason: record.reason,
    checkedAt: record.checkedAt,
    notifiedAt: record.notifiedAt,
  };
}

function entityRefOf(
  value: unknown,
  field: string,
  defaultKind: string,
): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(
      `The request body needs "${field}" (an entity reference, e.g. ${defaultKind}:default/name)`,
    );
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace: 'default' }),
    );
  } catch (error) {
    throw new InputError(
      `"${field}" is not an entity reference: ${(error as Error).message}`,
    );
  }
}

/**
 * `POST /follow-through` `{ entityRef, pullRequestUrl, owner? }`: start
 * following a pull request (the `haven:delivery:follow` action calls it on
 * behalf of whoever runs the template; they are told too). The address is
 * read once before anything is stored, so a wrong address or host is a 400.
 *
 * `GET /entities/:kind/:namespace/:name/follow-through`: the entity's newest
 * followed pull request, for the Delivery card; 404 when the caller may not
 * see the entity.
 */
export function createFollowRoutes(
  options: FollowRoutesOptions,
): express.Router {
  const { httpAuth, catalog, store, pullRequests } = options;
  const router = Router();
  router.use(express.json());

  router.post('/follow-through', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = (typeof req.body === 'object' && req.body) || {};
    const entityRef = entityRefOf(body.entityRef, 'entityRef', 'component');
    const ownerRef =
      body.owner === undefined || body.owner === ''
        ? undefined
        : entityRefOf(body.owner, 'owner', 'group');
    if (typeof body.pullRequestUrl !== 'string') {
      throw new InputError(
        'The request body needs "pullRequestUrl" (the pull request\'s web address)',
      );
    }
    const state = await pullRequests.read(body.pullRequestUrl);
    const initiatorRef =
      credentials.principal.type === 'user'
        ? (credentials.principal as { userEntityRef: string }).userEntityRef
        : undefined;
    const { record, created } = await store.follow({
      entityRef,
      pullRequestUrl: state.url,
      ownerRef,
      initiatorRef,
    });
    res.status(created ? 201 : 200).json({ id: record.id, state: state.state });
  });

  router.get(
    '/entities/:kind/:namespace/:name/follow-through',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const { kind, namespace, name } = req.params;
      const entityRef = stringifyEntityRef({ kind, namespace, name });
      const entity = await catalog.getEntityByRef(entityRef, { credentials });
      if (!entity) {
        throw new NotFoundError(
          `No entity ${entityRef} in the catalog, or you may not see it`,
        );
      }
      const record = await store.latestFor(stringifyEntityRef(entity));
      const answer: FollowThroughAnswer = {
        followThrough: record ? view(record) : null,
      };
      res.json(answer);
    },
  );

  return router;
}
