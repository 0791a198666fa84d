import { test, expect, type Page } from '@playwright/test';
import { SANDBOX_DELIVERY_EXAMPLES } from '@haven-plus/haven-sandbox';
import { shot, signIn } from './support';

/*
 * Every example component of the sandbox, each in its own delivery state
 * (packages/haven-sandbox SANDBOX_DELIVERY_EXAMPLES): the Delivery card's
 * state word per object, the failing ExternalSecret's newest event, the
 * "missing annotation" empty states and a telemetry upstream that is down.
 */

/** The Delivery card, found by its subheader. */
const deliveryCard = (page: Page) =>
  page.locator('.MuiCard-root', { hasText: 'Flux → External Secrets → Vault' });

test.beforeEach(async ({ page }) => signIn(page));

const withObjects = SANDBOX_DELIVERY_EXAMPLES.filter(e => e.rows.length > 0);

for (const [index, example] of withObjects.entries()) {
  test(`${example.app}: the Delivery card shows the ${example.scenario} state`, async ({
    page,
  }) => {
    await page.goto(`/catalog/default/component/${example.app}`);
    const table = page.getByRole('table', {
      name: 'Delivery objects in Haven sandbox (double)',
    });
    await expect(table).toBeVisible();
    for (const row of example.rows) {
      const tr = table.getByRole('row').filter({
        has: page.getByText(`${row.kind}/${row.name}`, { exact: true }),
      });
      await expect(tr).toHaveCount(1);
      // The state word itself, never colour alone.
      await expect(tr.getByText(row.state, { exact: true })).toBeVisible();
    }
    if (example.externalSecretWarning) {
      const event = table.getByTestId('latest-event');
      await expect(event).toContainText(
        `Event Warning ${example.externalSecretWarning.reason}:`,
      );
      await expect(event).toContainText('Code: 403');
      await expect(event).toContainText('permission denied');
    }
    if (example.scenario === 'stale') {
      const secret = table
        .getByRole('row')
        .filter({ hasText: 'ExternalSecret/' });
      await expect(secret).toContainText('openai-api-key v2');
    }
    await deliveryCard(page).scrollIntoViewIfNeeded();
    await shot(page, `2${index}-delivery-${example.scenario}`);
  });
}

test('a component without annotations: each card says which annotation to add', async ({
  page,
}) => {
  const example = SANDBOX_DELIVERY_EXAMPLES.find(
    e => e.scenario === 'missing-annotation',
  )!;
  await page.goto(`/catalog/default/component/${example.app}`);
  const delivery = deliveryCard(page);
  await expect(delivery.getByText('Missing Annotation')).toBeVisible();
  await expect(
    delivery.getByText('backstage.io/kubernetes-id').first(),
  ).toBeVisible();
  await expect(delivery.getByRole('table')).toHaveCount(0);
  const observability = page.locator('.MuiCard-root', {
    hasText: 'Tempo traces and Loki logs',
  });
  await expect(observability.getByText('Missing Annotation')).toBeVisible();
  await expect(
    observability.getByText('haven.plus/otel-service-name').first(),
  ).toBeVisible();
  await shot(page, '25-missing-annotation');
});

test('a component whose telemetry upstreams are down and whose cluster holds nothing', async ({
  page,
}) => {
  const example = SANDBOX_DELIVERY_EXAMPLES.find(
    e => e.scenario === 'no-objects',
  )!;
  await page.goto(`/catalog/default/component/${example.app}`);
  const delivery = deliveryCard(page);
  await expect(delivery.getByText('Missing', { exact: true })).toBeVisible();
  await expect(
    delivery.getByText(
      `No Flux or External Secrets objects labelled backstage.io/kubernetes-id=${example.app} in any cluster`,
      { exact: false },
    ),
  ).toBeVisible();
  // Loki and Tempo answer 503 for tenant `storing`: each section says so,
  // the links to Grafana stay.
  await expect(
    page.getByText(/Loki at http:\/\/127\.0\.0\.1:7104 answered HTTP 503/),
  ).toBeVisible();
  await expect(
    page.getByText(/Tempo at http:\/\/127\.0\.0\.1:7105 answered HTTP 503/),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Traces', exact: true }),
  ).toBeVisible();
  await shot(page, '26-upstream-down');
});
