import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

/*
 * The created app with Haven+ installed as docs/install.md says: the example
 * component's entity page with the Haven+ cards, and the Create page with
 * the Haven+ templates. Screenshots for a person to look at go to
 * e2e-test-report/screenshots/adopt-*.png.
 */
const screenshots =
  process.env.ADOPT_SCREENSHOTS ??
  resolve(__dirname, '../../e2e-test-report/screenshots');

/** Waits until the page stops loading and growing, then takes a full-page screenshot. */
async function shot(page: Page, name: string) {
  await page.waitForLoadState('networkidle');
  let height = -1;
  for (let same = 0; same < 3; ) {
    await page.waitForTimeout(400);
    const now = await page.evaluate(() => document.body.scrollHeight);
    same = now === height ? same + 1 : 0;
    height = now;
  }
  await page.screenshot({
    path: resolve(screenshots, `${name}.png`),
    fullPage: true,
  });
}

/** The created app's sign-in page offers the guest provider ("Enter"). */
async function signIn(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(
    page.getByRole('link', { name: /^Catalog$/ }).first(),
  ).toBeVisible();
}

test.beforeEach(async ({ page }) => signIn(page));

test('the example component shows the Haven+ Delivery and Observability cards', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/open-webui-voorbeeld');
  await expect(
    page.getByRole('heading', { name: 'Open WebUI (customer Voorbeeld)' }),
  ).toBeVisible();

  // Delivery: Flux -> External Secrets -> Vault, read through the Kubernetes
  // backend from the cluster double, with the Vault double's metadata.
  const delivery = page.locator('.MuiCard-root', {
    hasText: 'Flux → External Secrets → Vault',
  });
  await expect(delivery).toBeVisible();
  await expect(delivery.getByText('HelmRelease').first()).toBeVisible();

  // Observability: recent traces and log volume from the haven backend
  // (Tempo and Loki doubles), and Grafana links.
  await expect(page.getByText('Recent traces')).toBeVisible();
  await expect(
    page.getByText(/[0-9]+ log lines, [0-9]+ errors in the last 1h/),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Traces', exact: true }),
  ).toBeVisible();

  // The stock overview's relations graph renders last; the page is still
  // growing until it has.
  await expect(
    page.locator('svg').getByText('Open WebUI (customer Voorbeeld)').first(),
  ).toBeVisible();
  await shot(page, 'adopt-entity-page');
});

test('the Create page lists the Haven+ templates', async ({ page }) => {
  await page.goto('/create');
  for (const title of [
    'Create a Haven+ service',
    'Add a secret to a Haven+ service',
    'Provision an app in Vault',
    "Onboard a cluster's telemetry stack",
  ]) {
    await expect(page.getByText(title, { exact: true }).first()).toBeVisible();
  }
  await shot(page, 'adopt-create-page');
});

test("@stock-kubernetes with the created app's empty kubernetes key, the Delivery card names the missing cluster configuration", async ({
  page,
}) => {
  await page.goto('/catalog/default/component/open-webui-voorbeeld');
  await expect(
    page.getByRole('heading', { name: 'Open WebUI (customer Voorbeeld)' }),
  ).toBeVisible();
  await expect(
    page.getByText('The Kubernetes backend has no clusters to read'),
  ).toBeVisible();
  await expect(
    page.getByText('kubernetes.clusterLocatorMethods').first(),
  ).toBeVisible();
  // Not the generic "install the plugin" message of the Kubernetes plugin.
  await expect(page.getByText(/fully installed/)).toHaveCount(0);
  // The Observability card does not depend on the Kubernetes backend.
  await expect(page.getByText('Recent traces')).toBeVisible();
  await expect(
    page.locator('svg').getByText('Open WebUI (customer Voorbeeld)').first(),
  ).toBeVisible();
  await shot(page, 'adopt-entity-page-stock-kubernetes');
});
