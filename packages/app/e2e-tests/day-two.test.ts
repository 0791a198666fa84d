import { test, expect, type Page } from '@playwright/test';
import { createHavenService, shot, signIn } from './support';

/*
 * Day two in the sandbox: a merged pull request followed through to a
 * notification that arrives without a reload, the pull request as the first
 * step of the Delivery card, and Sync now for an owner and for someone who
 * is not one.
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
  await reviewer.goto(prUrl);
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
