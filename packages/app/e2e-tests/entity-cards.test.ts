import { test, expect } from '@playwright/test';
import { explorePane, shot, signIn } from './support';

/*
 * The Haven+ entity cards on the example component in the sandbox: the
 * observability card answered by haven-backend over the Loki, Tempo and Vault
 * doubles, and the delivery card over the Kubernetes double.
 */

test.beforeEach(async ({ page }) => signIn(page));

test('the Open WebUI entity page shows its recent traces, log volume and Explore links', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/open-webui-voorbeeld');
  await expect(
    page.getByRole('heading', { name: 'Open WebUI (customer Voorbeeld)' }),
  ).toBeVisible();

  await expect(page.getByText('Recent traces')).toBeVisible();
  await expect(
    page
      .getByRole('cell', {
        name: /^(POST \/api\/chat\/completions|GET \/api\/models) open-webui-voorbeeld$/,
      })
      .first(),
  ).toBeVisible();
  await expect(
    page.getByText(/[0-9]+ log lines, [0-9]+ errors in the last 1h/),
  ).toBeVisible();

  const traces = explorePane(
    await page
      .getByRole('link', { name: 'Traces', exact: true })
      .getAttribute('href'),
  );
  expect(traces.datasource.uid).toBe('haven-tempo');
  expect(traces.query).toContain(
    'resource.service.name = "open-webui-voorbeeld"',
  );
  const logs = explorePane(
    await page
      .getByRole('link', { name: 'Error logs', exact: true })
      .getAttribute('href'),
  );
  expect(logs.datasource.uid).toBe('haven-loki');
  expect(logs.expr).toContain('service_name="open-webui-voorbeeld"');
  // Open WebUI's request counter as Mimir names it (haven.plus/request-metric).
  const rate = explorePane(
    await page
      .getByRole('link', { name: 'Request rate', exact: true })
      .getAttribute('href'),
  );
  expect(rate.expr).toBe(
    'sum(rate(http_server_requests_total{service_name="open-webui-voorbeeld", service_namespace="open-webui-voorbeeld"}[5m]))',
  );

  // The delivery card over the Kubernetes double (states: entity-states.test.ts).
  await expect(page.getByText('Flux → External Secrets → Vault')).toBeVisible();
  await shot(page, '11-entity-cards');
});
