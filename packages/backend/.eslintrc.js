module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      // The reliability suites and benchmarks are test programs, run by
      // `yarn test:reliability` and `yarn bench`, never shipped: they drive
      // the plugins' own test harnesses (their __testUtils__ folders) and
      // test-only packages, as the plugins' tests do.
      files: ['src/reliability/**'],
      rules: {
        '@backstage/no-undeclared-imports': 'off',
        '@backstage/no-forbidden-package-imports': 'off',
        'no-restricted-imports': 'off',
      },
    },
  ],
});
