/**
 * Contract doubles of the systems Haven+ talks to, as msw handlers for tests
 * and as loopback servers for the local sandbox.
 *
 * @packageDocumentation
 */
export {
  createKubernetesDouble,
  type KubernetesDouble,
  type KubernetesDoubleOptions,
  type KubernetesObject,
  type RecordedRequest,
} from './kubernetes/kubernetesDouble';
export { RESOURCE_TYPES, type ResourceType } from './kubernetes/resources';
export { serveOnLoopback, type LoopbackServer } from './http/loopback';
export {
  SANDBOX_DOUBLES,
  startSandboxDoubles,
  type RunningSandbox,
} from './sandbox';
