import { defineConfig } from 'drizzle-kit'

// `npm run db:generate` writes a new SQL migration into src/db/migrations from the modules' schemas.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './src/db/migrations',
  casing: 'snake_case',
})
