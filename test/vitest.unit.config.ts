import { defineConfig } from 'vitest/config';

/** Fast unit-test config: no real registries. `npx vitest run -c test/vitest.unit.config.ts test/core` */
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
