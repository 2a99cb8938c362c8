import fs from 'node:fs'

/** The 2011 framework of *Without Fear or Favour*, as Probity ships it (in its own words). */
export const WITHOUT_FEAR_OR_FAVOUR_2011 = new URL('./data/without-fear-or-favour-2011.json', import.meta.url)

/** The shipped 2011 framework's file form, freshly read (so callers may change their copy). */
export function shippedFramework2011(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(WITHOUT_FEAR_OR_FAVOUR_2011, 'utf8')) as Record<string, unknown>
}
