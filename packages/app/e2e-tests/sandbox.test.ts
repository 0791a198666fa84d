import { test, expect, type Page } from '@playwright/test';

/*
 * What a newcomer sees in the local sandbox: guest sign-in, the catalog with
 * the example entities, an entity page with its Kubernetes tab answered by the
 * cluster double, and the Create page. Screenshots land in
 * e2e-test-report/screenshots/ for a person to look at.
 */

const sidebar = (page: Page) =>
  page.getByRole('navigation', { name: 'sidebar nav' });

const shot = (page: Page, name: string) =>
  page.screenshot({
    path: `e2e-test-report/screenshots/${name}.png`,
    fullPage: true,
  });

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(
    sidebar(page).getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
});

test('the catalog lists the example entities', async ({ page }) => {
  await sidebar(page)
    .getByRole('link', { name: 'Catalog', exact: true })
    .click();
  await expect(
    page.getByRole('heading', { name: /Haven\+ sandbox Catalog/ }),
  ).toBeVisible();

  const table = page.getByRole('table');
  await expect(
    table.getByRole('link', { name: 'Open WebUI (customer Voorbeeld)' }),
  ).toBeVisible();
  await expect(
    table.getByRole('link', { name: 'Haven+ for Backstage' }),
  ).toBeVisible();

  await shot(page, '01-catalog');

  await page.goto('/?filters[kind]=system&filters[user]=all');
  await expect(
    page
      .getByRole('table')
      .getByRole('link', { name: 'Open WebUI', exact: true }),
  ).toBeVisible();
  await expect(
    page.getByRole('table').getByRole('link', { name: 'Haven+ platform' }),
  ).toBeVisible();
});

test('an Open WebUI entity page shows its owner, system and an empty Kubernetes tab', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/open-webui-voorbeeld');
  await expect(
    page.getByRole('heading', { name: 'Open WebUI (customer Voorbeeld)' }),
  ).toBeVisible();
  const about = page
    .getByRole('article')
    .filter({ has: page.getByRole('heading', { name: 'About' }) });
  await expect(
    about.getByText(
      'Open WebUI for customer Voorbeeld, logs kept in NL object storage.',
    ),
  ).toBeVisible();
  await expect(
    about.getByRole('link', { name: 'Haven platform team' }),
  ).toBeVisible();
  await expect(
    about.getByRole('link', { name: 'Open WebUI', exact: true }),
  ).toBeVisible();
  await shot(page, '02-entity-overview');

  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Kubernetes' })
    .click();
  await expect(page).toHaveURL(/\/open-webui-voorbeeld\/kubernetes$/);
  // The cluster double answered every list call: no fetch error, no resources.
  await expect(page.getByText('No Kubernetes resources')).toBeVisible();
  await expect(
    page.getByText(
      'No resources on any known clusters for open-webui-voorbeeld',
    ),
  ).toBeVisible();
  await expect(page.getByText(/error/i)).toHaveCount(0);
  await shot(page, '03-entity-kubernetes');
});

test('Create provisions an app in the Vault double and shows the plan, never the secret', async ({
  page,
}) => {
  const supplied = 'e2e-supplied-secret-3b7d1f';
  // A fresh app per attempt, so a retry also sees its secrets created.
  const app = `e2e-webui-${Date.now().toString(36)}`;
  await sidebar(page)
    .getByRole('link', { name: 'Create', exact: true })
    .click();
  await expect(
    page.getByRole('heading', { name: 'Create', level: 1 }),
  ).toBeVisible();
  await expect(page.getByText('Provision an app in Vault')).toBeVisible();
  await shot(page, '04-create');

  await page
    .locator('article, .MuiCard-root')
    .filter({ hasText: 'Provision an app in Vault' })
    .getByRole('button', { name: 'Choose' })
    .click();
  await page.getByRole('textbox', { name: /App name/ }).fill(app);
  await page
    .getByRole('textbox', { name: /Kubernetes namespace/ })
    .fill('voorbeeld');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByText('Generated secrets').first()).toBeVisible();
  await page
    .getByRole('textbox', { name: /Supplied secret name/ })
    .fill('api-key');
  await page.getByLabel(/Supplied secret value/).fill(supplied);
  await shot(page, '05-create-form');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  await expect(
    page.getByRole('link', { name: 'Secrets in Vault' }),
  ).toBeVisible({
    timeout: 60_000,
  });
  await expect(
    page.getByText(`Role haven-voorbeeld.${app}`, { exact: false }).first(),
  ).toBeVisible();
  const showLogs = page.getByRole('button', { name: /Show Logs/i });
  if (await showLogs.isVisible()) await showLogs.click();
  await expect(
    page.getByText(`Vault plan for voorbeeld/${app}`, { exact: false }).first(),
  ).toBeVisible();
  await expect(
    page.getByText(`secret apps/voorbeeld/${app}/session-key: create`).first(),
  ).toBeVisible();
  await expect(
    page
      .getByText(`secret apps/voorbeeld/${app}/api-key: created, version 1`)
      .first(),
  ).toBeVisible();
  expect(await page.content()).not.toContain(supplied);
  await shot(page, '06-create-task');
});

test('the Installed Actions page documents haven:vault:provision', async ({
  page,
}) => {
  await page.goto('/create/actions');
  await page
    .getByRole('searchbox', { name: 'Search for an action' })
    .fill('haven');
  const row = page
    .getByRole('grid', { name: 'Installed actions' })
    .getByRole('row', {
      name: /^haven:vault:provision Provisions an app in Vault/,
    });
  await expect(row).toBeVisible();
  await shot(page, '07-installed-actions');
});
