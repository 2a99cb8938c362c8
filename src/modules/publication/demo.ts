import { SYSTEM_CALLER } from '../../domain/access.js'
import type { Services } from '../../services.js'
import { REVISIT_2012 } from '../inspections/demo.js'

/** The forces of the 2012 press releases in test/fixtures, whose records the demo holds. */
export const DEMO_PUBLISHED_FORCES = ['cheshire', 'cleveland', 'greater-manchester'] as const

/**
 * Publishes the 2012 revisit's press release and force report for the fixtures' forces, and the
 * national review, through the whole workflow (the factual-accuracy check has no comments), so the
 * public site shows them. Running it again adds nothing: published documents are kept.
 */
export async function seedDemoPublications(services: Services): Promise<void> {
  const caller = SYSTEM_CALLER
  const revisit = await services.inspections.findByCode(caller, REVISIT_2012)
  if (!revisit) return
  const publication = services.publication
  const outcomes = []
  for (const forceCode of DEMO_PUBLISHED_FORCES)
    outcomes.push(...(await publication.generate(caller, revisit.id, { forceCode })))
  outcomes.push(...(await publication.generate(caller, revisit.id, { kinds: ['national-review'] })))
  for (const outcome of outcomes) {
    let { version } = await publication.version(caller, outcome.versionId)
    if (version.status === 'draft' && version.force)
      version = await publication.sendForCheck(caller, version.id)
    if (version.status === 'draft' || version.status === 'factual-accuracy')
      version = await publication.approve(caller, version.id)
    if (version.status === 'approved') await publication.publish(caller, version.id)
  }
}
