/**
 * Haven+ entity cards for the new frontend system.
 *
 * @packageDocumentation
 */
import {
  createFrontendPlugin,
  type OverridableFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import {
  deliveryCard,
  havenApi,
  observabilityCard,
  observabilityContent,
} from './alpha/extensions';

/**
 * The Haven+ plugin: `api:haven`, `entity-card:haven/delivery`,
 * `entity-card:haven/observability`, `entity-content:haven/observability`.
 * @alpha
 */
const havenPlugin: OverridableFrontendPlugin = createFrontendPlugin({
  pluginId: 'haven',
  info: {
    packageJson: () => import('./alpha/packageInfo').then(m => m.packageInfo),
  },
  extensions: [havenApi, deliveryCard, observabilityCard, observabilityContent],
});

export default havenPlugin;
