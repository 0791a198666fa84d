module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      // The tests hold the sandbox cluster against what haven:gitops:render
      // writes, through the action itself and its test harness, which the
      // scaffolder module does not export.
      files: ['src/**/*.test.ts'],
      rules: {
        '@backstage/no-forbidden-package-imports': 'off',
      },
    },
  ],
});
