import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The API contract lives in the operator's source tree (one set of zod schemas for server and
// browser); `zod` is deduplicated so that file resolves it from this package, not the repo root.
const contract = fileURLToPath(new URL('../src/console/contract.ts', import.meta.url));

export default defineConfig({
  // Relative asset URLs: the operator may serve the console under any path.
  base: './',
  plugins: [react()],
  resolve: {
    alias: { '@contract': contract },
    dedupe: ['zod', 'react', 'react-dom'],
  },
  server: { fs: { allow: ['..'] } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 2000 },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
    css: false,
  },
});
