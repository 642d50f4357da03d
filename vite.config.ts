import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

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
  plugins: [react()],
  resolve: { dedupe: DEDUPE },
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 1200 },
  server: {
    // `npm run dev` serves the app with hot reload and forwards API and sync to `npm run server`.
    proxy: {
      '/api': `http://127.0.0.1:${serverPort}`,
      '/healthz': `http://127.0.0.1:${serverPort}`,
      '/collab': { target: `ws://127.0.0.1:${serverPort}`, ws: true },
    },
  },
})
