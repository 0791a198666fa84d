import { test, expect, type Page } from '@playwright/test';
import { SANDBOX_DOUBLES } from '@haven-plus/haven-sandbox';
import { createHavenService, shot, signIn } from './support';

/*
 * Day two in the sandbox: a merged pull request followed through to a
 * notification that arrives without a reload, the pull request as the first
 * step of the Delivery card, and Sync now for an owner and for someone who
 * is not one; a rotation that shows the next Vault version Synced; and a
 * decommission whose pull request deletes the app's files and whose Vault
 * objects go only after the merge.
 */

const delivery = (page: Page) =>
  page.getByRole('table', {
    name: 'Delivery objects in Haven sandbox (double)',
  });
const row = (page: Page, name: string) =>
  delivery(page)
    .getByRole('row')
    .filter({ has: page.getByText(name, { exact: true }) });

test('a merged pull request is followed to Ready and Synced, and the notification arrives without a reload', async ({
  page,
  context,
}) => {
  test.setTimeout(240_000);
  const app = `follow-${Date.now().toString(36)}`;
  await signIn(page);
  await createHavenService(page, {
    app,
    description: 'Open WebUI followed through by the day-two test',
    suppliedValue: 'day-two-openai-key-5c1f0a',
  });
  const prLink = page.getByRole('link', { name: 'Pull request' });
  await expect(prLink).toBeVisible({ timeout: 90_000 });
  const prUrl = (await prLink.getAttribute('href'))!;
  await expect(
    page.getByText(/You and the owner get a notification/),
  ).toBeVisible();

  // Merge it in another tab, as a reviewer would; this page stays as it is.
  const reviewer = await context.newPage();
  await reviewer.goto(prUrl!);
  await reviewer.getByRole('button', { name: 'Merge pull request' }).click();
  await expect(reviewer.getByText('Merged', { exact: true })).toBeVisible();
  await reviewer.close();

  // The task page was not reloaded: the notification pops up on it.
  const popup = page.getByText(`${app}: delivered: Ready and Synced`);
  await expect(popup).toBeVisible({ timeout: 120_000 });
  await shot(page, '20-day-two-notification');

  // The notifications page lists it, with a link to the component.
  await page.goto('/notifications');
  await expect(
    page.getByText(`${app}: delivered: Ready and Synced`).first(),
  ).toBeVisible();

  // The Delivery card starts with the pull request: merged, delivered, told.
  await page.goto(`/catalog/default/component/${app}`);
  const step = page.getByRole('table', { name: 'Pull request step' });
  await expect(step).toBeVisible({ timeout: 30_000 });
  await expect(
    step.getByRole('link', { name: /^Pull request #[0-9]+/ }),
  ).toHaveAttribute('href', prUrl);
  await expect(step).toContainText('Merged');
  await expect(step).toContainText('Delivered, Ready and Synced');
  await expect(step).toContainText('owner notified');
  await expect(row(page, `ExternalSecret/${app}-vault`)).toContainText(
    'Synced',
  );
  await shot(page, '21-day-two-pull-request-step');
});

test('Sync now: the owner may, someone else may not', async ({ page }) => {
  await signIn(page);

  // The guest is in the platform team, which owns Open WebUI voorbeeld.
  await page.goto('/catalog/default/component/open-webui-voorbeeld');
  const allowed = page.getByRole('button', {
    name: 'Sync now ExternalSecret open-webui-voorbeeld/open-webui-voorbeeld-vault',
  });
  await expect(allowed).toBeEnabled({ timeout: 30_000 });
  await allowed.click();
  await expect(page.getByTestId('delivery-notice')).toContainText(/sync/i);
  await expect(page.getByTestId('delivery-notice')).not.toContainText('failed');
  await shot(page, '22-day-two-sync-now-allowed');

  // Open WebUI Gemeente belongs to team-gemeente: the guest is not in it.
  await page.goto('/catalog/default/component/open-webui-gemeente');
  const denied = page.getByRole('button', {
    name: 'Sync now ExternalSecret open-webui-gemeente/open-webui-gemeente-vault',
  });
  await expect(denied).toBeVisible({ timeout: 30_000 });
  await expect(denied).toBeDisabled();
  await expect(
    page.locator('span[title^="You may not sync now"]').first(),
  ).toHaveAttribute('title', /permission haven\.entity\.secrets\.sync/);
  await expect(
    page.getByText('Not for you: needs haven.entity.secrets.sync'),
  ).toBeVisible();
  // Reconcile is refused on the same grounds.
  await expect(
    page.getByText('Not for you: needs haven.entity.flux.reconcile').first(),
  ).toBeVisible();
  await shot(page, '23-day-two-sync-now-denied');
});

test('Rotate a secret: the card shows the next Vault version, Synced', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const app = 'open-webui-voorbeeld';
  await signIn(page);
  await page.goto(`/catalog/default/component/${app}`);
  const secret = row(page, `ExternalSecret/${app}-vault`);
  await expect(secret).toContainText('Synced', { timeout: 30_000 });
  const before = Number(
    /Vault webui-secret-key v([0-9]+)/.exec(
      (await secret.textContent()) ?? '',
    )?.[1],
  );
  expect(before).toBeGreaterThanOrEqual(1);

  await page.goto('/create');
  await page
    .locator('.MuiCard-root')
    .filter({ hasText: 'Rotate a secret of a Haven+ service' })
    .getByRole('button', { name: 'Choose' })
    .click();
  await page.getByRole('textbox', { name: 'Service' }).click();
  await page
    .getByRole('option', {
      name: /^(Open WebUI \(customer Voorbeeld\)|open-webui-voorbeeld)$/,
    })
    .click();
  await page
    .getByRole('textbox', { name: /^Secret name in Vault/ })
    .fill('webui-secret-key');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(
    page.getByText(
      `Secret webui-secret-key was rotated in Vault from version ${before} to version ${
        before + 1
      }`,
    ),
  ).toBeVisible({ timeout: 90_000 });
  await shot(page, '24-day-two-rotate-task');

  // The card: the new version, and the ExternalSecret synced after it.
  await page.goto(`/catalog/default/component/${app}`);
  await expect(secret).toContainText(`Vault webui-secret-key v${before + 1}`, {
    timeout: 30_000,
  });
  await expect(secret).toContainText('Synced');
  await shot(page, '25-day-two-rotate-card');
});

/** The sandbox's Vault double, read as its administrator (root token). */
async function vaultList(path: string): Promise<string[] | undefined> {
  const v = SANDBOX_DOUBLES.vault;
  const res = await fetch(`http://127.0.0.1:${v.port}/v1/${path}?list=true`, {
    headers: { 'x-vault-token': v.rootToken },
  });
  if (res.status === 404) return undefined;
  expect(res.status).toBe(200);
  return (await res.json()).data.keys;
}

test('Decommission: the pull request removes the app’s files and line, and its Vault objects go after the merge', async ({
  page,
  context,
}) => {
  test.setTimeout(300_000);
  const app = `retire-${Date.now().toString(36)}`;
  const v = SANDBOX_DOUBLES.vault;
  const secretsPath = `${v.kvMount}/metadata/${v.pathPrefix}/${app}/${app}`;
  const roles = `auth/${v.kubernetesAuthMount}/role`;

  // An app to retire: created, merged, in the catalog.
  await signIn(page);
  await createHavenService(page, {
    app,
    description: 'Open WebUI decommissioned by the day-two test',
    suppliedValue: 'retire-openai-key-8e2d41',
  });
  const created = page.getByRole('link', { name: 'Pull request' });
  await expect(created).toBeVisible({ timeout: 90_000 });
  const reviewer = await context.newPage();
  await reviewer.goto((await created.getAttribute('href'))!);
  await reviewer.getByRole('button', { name: 'Merge pull request' }).click();
  await expect(reviewer.getByText('Merged', { exact: true })).toBeVisible();
  // In the catalog once the merged file is read, delivered once applied.
  await expect(async () => {
    await page.goto(`/catalog/default/component/${app}`);
    await expect(row(page, `ExternalSecret/${app}-vault`)).toContainText(
      'Synced',
      { timeout: 5_000 },
    );
  }).toPass({ timeout: 150_000, intervals: [3_000] });
  expect((await vaultList(roles))?.some(r => r.includes(app))).toBe(true);
  expect(await vaultList(secretsPath)).toEqual(
    expect.arrayContaining(['webui-secret-key', 'openai-api-key']),
  );

  // Decommission it, secrets included (ticked, and the path typed).
  await page.goto('/create');
  await page
    .locator('.MuiCard-root')
    .filter({ hasText: 'Decommission a Haven+ service' })
    .getByRole('button', { name: 'Choose' })
    .click();
  await page.getByRole('textbox', { name: 'Service' }).click();
  await page.getByRole('option', { name: app, exact: true }).click();
  await page.getByLabel('Also delete its secrets in Vault').check();
  await page
    .getByRole('textbox', { name: /Type its Vault path to confirm/ })
    .fill(`${v.kvMount}/${v.pathPrefix}/${app}/${app}`);
  await shot(page, '26-day-two-decommission-form');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task waits for the merge; its log says where the pull request is.
  await page
    .getByRole('button', { name: /show logs/i })
    .click({ timeout: 60_000 });
  await expect(page.getByText(/to be merged \(up to 60 min/)).toBeVisible({
    timeout: 90_000,
  });
  const logText = await page.locator('body').innerText();
  const prUrl =
    /(http:\/\/127\.0\.0\.1:7103\/[^\s/]+\/[^\s/]+\/pull\/[0-9]+)/.exec(
      logText,
    )?.[1];
  expect(prUrl, logText.slice(-800)).toBeDefined();
  // Nothing is deleted before the merge.
  expect((await vaultList(roles))?.some(r => r.includes(app))).toBe(true);
  expect(await vaultList(secretsPath)).toHaveLength(2);

  // The pull request: the app's files deleted, one line out of the list.
  await reviewer.goto(prUrl!);
  const files = reviewer.getByRole('table', { name: 'Files changed' });
  for (const file of [
    `apps/haven-sandbox/${app}/helmrelease.yaml`,
    `apps/haven-sandbox/${app}/externalsecret.yaml`,
    `apps/haven-sandbox/${app}/catalog-info.yaml`,
    `clusters/haven-sandbox/apps/${app}.yaml`,
  ]) {
    await expect(
      files.getByRole('row').filter({ hasText: file }),
    ).toContainText('deleted');
  }
  await expect(
    files
      .getByRole('row')
      .filter({ hasText: 'clusters/haven-sandbox/apps/kustomization.yaml' }),
  ).toContainText(`- ${app}.yaml`);
  await shot(reviewer, '27-day-two-decommission-pull-request');
  await reviewer.getByRole('button', { name: 'Merge pull request' }).click();
  await expect(reviewer.getByText('Merged', { exact: true })).toBeVisible();

  // After the merge: role and secrets gone, the component off the catalog.
  await expect(page.getByText(/^Deleted in Vault: /)).toBeVisible({
    timeout: 90_000,
  });
  await shot(page, '28-day-two-decommission-done');
  expect((await vaultList(roles))?.some(r => r.includes(app)) ?? false).toBe(
    false,
  );
  expect(await vaultList(secretsPath)).toBeUndefined();
  await expect(async () => {
    await page.goto(`/catalog/default/component/${app}`);
    await expect(page.getByText(/not found/i).first()).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 60_000, intervals: [3_000] });
});
