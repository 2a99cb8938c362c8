#!/usr/bin/env node
// Development and tests run the TypeScript sources through tsx. In production (NODE_ENV=production)
// the compiled app in dist/ runs instead (`npm run build`), which needs neither tsx nor the sources.
import { existsSync } from 'node:fs'

const built = new URL('../dist/cli.js', import.meta.url)
if (process.env.NODE_ENV === 'production') {
  if (!existsSync(built)) {
    console.error(
      'probity: NODE_ENV=production runs the compiled app, and dist/ has none: run `npm run build` first',
    )
    process.exit(1)
  }
  const { runCli } = await import(built.href)
  await runCli(process.argv)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  const { runCli } = await import('../src/cli.ts')
  await runCli(process.argv)
}
