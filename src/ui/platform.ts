/** Whether this is an Apple device, whose shortcuts use ⌘ where others use Ctrl. */
export const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)
