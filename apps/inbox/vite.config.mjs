// The agent inbox's build: `npm run build` writes it to dist/inbox, which the API serves at /inbox
// (apps/api/src/inbox/inbox.routes.ts). `npx vite --config apps/inbox/vite.config.mjs` serves it
// with live reload on http://localhost:5173/inbox/, sending /graphql and /media to the API on :3000.
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default {
  root: here('.'),
  base: '/inbox/',
  publicDir: false,
  logLevel: 'warn',
  // Preact's automatic JSX runtime through esbuild: no Babel, no plugin.
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: here('../../dist/inbox'),
    emptyOutDir: true,
    target: 'es2022',
    // The page's CSP allows scripts of this origin only: no inline polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:3000', ws: true },
      '/media': { target: 'http://127.0.0.1:3000' },
    },
  },
};
