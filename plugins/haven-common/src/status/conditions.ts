import type { KubernetesCondition } from './types';

/** The condition of a type, if present. */
export function findCondition(
  conditions: KubernetesCondition[] | undefined,
  type: string,
): KubernetesCondition | undefined {
  return conditions?.find(c => c.type === type);
}

/** `Reason: message`, or whichever of the two exists. */
export function describeCondition(
  condition: KubernetesCondition,
  fallback: string,
): string {
  const reason = condition.reason?.trim();
  const message = condition.message?.trim();
  if (reason && message) return `${reason}: ${message}`;
  return reason || message || fallback;
}
