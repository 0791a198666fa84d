#!/usr/bin/env node
// Runs the TypeScript entry point directly (tsx), so the sandbox needs no build step.
import { register as registerEsm } from 'tsx/esm/api';
import { register as registerCjs } from 'tsx/cjs/api';

registerEsm();
registerCjs();
await import('../src/cli.ts');
