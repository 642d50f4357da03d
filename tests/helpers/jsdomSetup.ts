// Client tests run in jsdom; unmount React trees between tests so observers are released.
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'

afterEach(() => {
  cleanup()
})
