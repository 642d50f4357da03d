/**
 * Register the app shell's service worker (built by vite-plugin-pwa into `/sw.js`): after one
 * visit, every page of the app opens without a network. Development serves no worker.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // No worker (a browser setting, a private window): the app works, just not offline.
    })
  })
}
