import { createApp } from '@backstage/frontend-defaults';
import { navModule } from './modules/nav';

/**
 * The Haven+ app. Plugins listed in this package's dependencies are discovered
 * (`app.packages: all` in app-config.yaml): catalog, scaffolder (Create),
 * Kubernetes, org, catalog graph and user settings. Only the sidebar is ours.
 */
export default createApp({
  features: [navModule],
});
