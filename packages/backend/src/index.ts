/*
 * The Haven+ backend: Backstage's catalog, scaffolder (with the GitHub and
 * GitLab publishers), Kubernetes and permission plugins on the new backend
 * system. Which database, cache and upstreams it talks to is configuration:
 * app-config.yaml is the local sandbox, app-config.production.yaml the real thing.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// Serves the built frontend in production (the sandbox runs the dev server).
backend.add(import('@backstage/plugin-app-backend'));

// Sign-in. The sandbox uses the guest provider; production adds a real one.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// Events between plugins (the catalog subscribes to them).
backend.add(import('@backstage/plugin-events-backend'));

// Software catalog: examples/, templates/ and whatever the platform registers.
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// Software templates and the publishers that open pull/merge requests on the
// fleet repository.
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-gitlab'));
// Haven+ actions: haven:vault:provision, haven:gitops:*, haven:observability:render.
backend.add(import('@haven-plus/plugin-scaffolder-backend-module-haven'));

// Haven+ entity page data: Vault metadata, Loki and Tempo summaries.
backend.add(import('@haven-plus/plugin-haven-backend'));

// Notifications, delivered to the browser as they happen through signals:
// the Haven+ follow-through tells an app's owner when a merged pull request is
// Ready and Synced, or fails.
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// Kubernetes: workloads and the Flux / External Secrets custom resources of an
// entity, with the cluster credentials held here, never in the browser.
backend.add(import('@backstage/plugin-kubernetes-backend'));

// Permission framework. The policy allows everything except the Delivery
// card's Sync now and Reconcile, which only an entity's owners may use; see
// README.md ("Permissions") before running this anywhere else.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));

// A replica that cannot start exits non-zero, so that whatever runs it
// (Kubernetes, systemd) starts it again: without this, a failed start leaves
// a process that stays unready for ever. Two replicas starting together on a
// new database are the common case: one of them finds the catalog's
// migration lock taken.
backend.start().catch(error => {
  process.stderr.write(
    `Backend startup failed, exiting: ${
      error instanceof Error ? error.message : String(error)
    }\n`,
  );
  process.exit(1);
});
