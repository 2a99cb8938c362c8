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
  exitOnFailure(await runCli(process.argv))
} else {
  const { register } = await import('tsx/esm/api')
  register()
  const { runCli } = await import('../src/cli.ts')
  exitOnFailure(await runCli(process.argv))
}

// At once, as before: a failed command may leave a database connection or a timer open.
function exitOnFailure(status) {
  if (status !== 0) process.exit(status)
}
