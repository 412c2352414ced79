// The console is built into web/dist and served by the same Fastify server (src/app/console.ts).
// JSX goes through esbuild's automatic runtime, so no framework plugin is needed.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // Ant Design marks modules "use client" for server rendering; it means nothing in this bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      // No manual chunks: each lazily loaded page brings only the Ant Design components it uses.
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
