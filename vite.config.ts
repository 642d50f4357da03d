import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { VitePWA } from 'vite-plugin-pwa'
import { compression } from 'vite-plugin-compression2'
import { stripTiptapMarkdown } from './scripts/stripTiptapMarkdown.ts'

const serverPort = Number(process.env.PORT ?? 4173)

// One copy of Yjs and ProseMirror in the bundle: two copies break instanceof checks
// ("Yjs was already imported"), see ../shared/STACK.md.
export const DEDUPE = [
  'yjs',
  'y-protocols',
  'lib0',
  '@tiptap/y-tiptap',
  'prosemirror-model',
  'prosemirror-state',
  'prosemirror-view',
  'prosemirror-transform',
]

export default defineConfig({
  plugins: [
    react(),
    // TipTap's Markdown fields, which nothing here reads, out of the client's script (issue 12).
    stripTiptapMarkdown(),
    // Every asset also as .br and .gz beside it: the server sends the one the browser takes
    // (sirv's brotli/gzip options in server/http.ts), compressed once at build, never per request.
    compression({ algorithms: ['brotliCompress', 'gzip'], exclude: [/\.map$/], threshold: 1024 }),
    // The app shell works offline: a Workbox service worker precaches the built files and answers
    // every page address with index.html (src/offline/serviceWorker.ts registers it). Stories are
    // kept by y-indexeddb, not by the worker; the API and the sync socket always go to the network.
    VitePWA({
      injectRegister: false,
      registerType: 'autoUpdate',
      manifest: {
        name: 'Deskline',
        short_name: 'Deskline',
        description: 'The collaborative newsroom editor',
        start_url: '/',
        display: 'standalone',
        background_color: '#fbfaf7',
        theme_color: '#1f4e79',
        icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/collab\//, /^\/healthz$/],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  resolve: {
    dedupe: DEDUPE,
    // The copy desk's worker bundles Hunspell's US English files as text (issue 13); the package's
    // `exports` list only its Node entry, which reads them with node:fs.
    alias: [
      { find: /^dictionary-en\/(index\.(?:aff|dic))\?raw$/, replacement: `${fileURLToPath(new URL('./node_modules/dictionary-en/', import.meta.url))}$1?raw` },
      // @tiptap/react's only use of fast-equals is useEditorState's default comparison: a small
      // one of plain values instead saves the story page 2 kB gzip (src/ui/deepEqual.ts, issue 12).
      { find: /^fast-equals$/, replacement: fileURLToPath(new URL('./src/ui/deepEqual.ts', import.meta.url)) },
    ],
  },
  // The manifest maps each entry and route to its chunks (tests/shared/bundle.test.ts reads it);
  // source maps are written for tests and benchmarks, never referenced by the scripts nor served.
  build: { outDir: 'dist', sourcemap: 'hidden', manifest: true, chunkSizeWarningLimit: 1200 },
  server: {
    // `npm run dev` serves the app with hot reload and forwards API and sync to `npm run server`.
    proxy: {
      '/api': `http://127.0.0.1:${serverPort}`,
      '/healthz': `http://127.0.0.1:${serverPort}`,
      '/collab': { target: `ws://127.0.0.1:${serverPort}`, ws: true },
    },
  },
})
