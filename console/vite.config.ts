import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The API contract lives in the operator's source tree (one set of zod schemas for server and
// browser); `zod` is deduplicated so that file resolves it from this package, not the repo root.
// The label-selector parser is the server's too (pure: it pulls in only the planner's matcher), so
// the cluster filter reads `zone in (a,b)` as the API and an AgentRollout do. The cluster page's
// column form is converted by the same pure module on both sides.
const operatorFile = (path: string) => fileURLToPath(new URL(`../src/console/${path}`, import.meta.url));

export default defineConfig({
  // Relative asset URLs: the operator may serve the console under any path.
  base: './',
  plugins: [react()],
  resolve: {
    alias: {
      '@contract': operatorFile('contract.ts'),
      '@cluster-columns': operatorFile('cluster-columns.ts'),
      '@label-selector': operatorFile('label-selector-string.ts'),
    },
    dedupe: ['zod', 'react', 'react-dom'],
  },
  server: { fs: { allow: ['..'] } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 2000 },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
    css: false,
    // The list's plain cells import PatternFly's class maps, which import their CSS: through Vite
    // (which drops CSS in tests) rather than Node, which cannot load a .css file.
    server: { deps: { inline: ['@patternfly/react-styles'] } },
  },
});
