/**
 * Haven+ entity cards: the delivery chain (Flux, External Secrets, Vault)
 * and the service's traces and logs with Grafana Explore links. Legacy
 * frontend system exports; the new frontend system plugin is in `/alpha`.
 *
 * @packageDocumentation
 */
export {
  havenPlugin,
  EntityHavenDeliveryCard,
  EntityHavenObservabilityCard,
  EntityHavenObservabilityContent,
} from './plugin';
