import { expect, type Page } from '@playwright/test';

/*
 * What the sandbox's browser tests share: screenshots, guest sign-in, the
 * Explore pane a Grafana link opens, and the "Create a Haven+ service" form.
 */

/** A full-page screenshot in e2e-test-report/screenshots/, for a person to look at. */
export const shot = (page: Page, name: string) =>
  page.screenshot({
    path: `e2e-test-report/screenshots/${name}.png`,
    fullPage: true,
  });

export const sidebar = (page: Page) =>
  page.getByRole('navigation', { name: 'sidebar nav' });

/** Enters as the guest and waits until the app shows its navigation. */
export async function signIn(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(
    sidebar(page).getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/** The first query of the Explore pane a link opens (panes format, schemaVersion 1). */
export function explorePane(href: string | null) {
  const url = new URL(href ?? '');
  expect(url.searchParams.get('schemaVersion')).toBe('1');
  const panes = JSON.parse(url.searchParams.get('panes') ?? '{}');
  const pane = Object.values(panes)[0] as {
    queries: Array<{
      datasource: { uid: string };
      expr?: string;
      query?: string;
    }>;
  };
  return pane.queries[0];
}

/**
 * Fills "Create a Haven+ service" (owner, system, cluster and chart
 * defaults, one supplied secret) up to its review page, and creates it.
 */
export async function createHavenService(
  page: Page,
  options: {
    app: string;
    description: string;
    suppliedValue: string;
    hostname?: string;
    /** Screenshot names for the first, the chart and the secrets page. */
    shots?: { first: string; chart?: string; secrets: string };
  },
) {
  await page.goto('/create');
  await page
    .locator('.MuiCard-root')
    .filter({ hasText: 'Create a Haven+ service' })
    .getByRole('button', { name: 'Choose' })
    .click();

  // Page 1: the service.
  await page.getByRole('textbox', { name: /^Name/ }).fill(options.app);
  await page
    .getByRole('textbox', { name: /^Description/ })
    .fill(options.description);
  await page.getByRole('textbox', { name: 'Owner' }).click();
  await page
    .getByRole('option', { name: /^(Haven platform team|haven-platform)$/ })
    .click();
  await page.getByRole('textbox', { name: 'System' }).click();
  await page.getByRole('option', { name: /^(Open WebUI|open-webui)$/ }).click();
  if (options.shots) await shot(page, options.shots.first);
  await page.getByRole('button', { name: 'Next' }).click();

  // Page 2: cluster, profile and chart keep their defaults (Open WebUI 16.x).
  await expect(
    page.getByRole('textbox', { name: /Helm chart repository/ }),
  ).toHaveValue('https://helm.openwebui.com');
  await expect(
    page.getByRole('textbox', { name: /^Chart version/ }),
  ).toHaveValue('16.x');
  await expect(page.getByText('Open WebUI', { exact: true })).toBeVisible();
  if (options.shots?.chart) await shot(page, options.shots.chart);
  if (options.hostname) {
    await page
      .getByRole('textbox', { name: /Public hostname/ })
      .fill(options.hostname);
  }
  await page.getByRole('button', { name: 'Next' }).click();

  // Page 3: the default generated secret, plus one supplied value.
  await page
    .getByRole('textbox', { name: /Supplied secret name/ })
    .fill('openai-api-key');
  await page
    .getByRole('textbox', { name: /Its environment variable/ })
    .fill('OPENAI_API_KEY');
  await page.getByLabel(/Supplied secret value/).fill(options.suppliedValue);
  // Backstage's SecretWidget hands the value to the task's secrets 300 ms
  // after the last keystroke (lodash debounce in scaffolder-react
  // SecretWidget.tsx); a Create within that time sends no secret.
  await page.waitForTimeout(500);
  if (options.shots) await shot(page, options.shots.secrets);
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
}
