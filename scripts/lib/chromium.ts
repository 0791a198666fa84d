/**
 * How the browser tests (the sandbox's and `yarn test:adopt`'s) start
 * Debian's Chromium: no browser download, HAVEN_CHROMIUM overrides the path,
 * and the flags a headless run in a container without a GPU needs.
 */
export const chromiumLaunchOptions = () => ({
  executablePath: process.env.HAVEN_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
  ],
});
