import { Readable } from 'node:stream'
import { SYSTEM_CALLER } from '../../domain/access.js'
import type { Services } from '../../services.js'
import { SYNTHETIC_SURVEY_CODE, type SyntheticForce, syntheticCsv, syntheticSurvey } from './generate.js'

/** Respondents in each synthetic demo wave: enough for regional figures, too few for most force areas. */
export const DEMO_RESPONDENTS = 2_000

/** The forces as the synthetic sample draws them, sized by their officers as a proxy for population. */
export async function syntheticForces(services: Services): Promise<SyntheticForce[]> {
  return (await services.forces.list()).map((force) => ({
    code: force.code,
    region: force.region.name,
    size: force.officersFte ?? 1_000,
  }))
}

/** The synthetic two-wave survey, entered through the service like any survey; once. */
export async function seedDemoSurveys(services: Services): Promise<void> {
  const existing = await services.surveys.list(SYSTEM_CALLER)
  if (existing.some((survey) => survey.code === SYNTHETIC_SURVEY_CODE)) return
  await services.surveys.save(SYSTEM_CALLER, syntheticSurvey())
  const forces = await syntheticForces(services)
  for (const [wave, code] of [
    [1, '2011'],
    [2, '2012'],
  ] as const) {
    const csv = syntheticCsv(wave, DEMO_RESPONDENTS, forces)
    await services.surveys.importRespondents(SYSTEM_CALLER, SYNTHETIC_SURVEY_CODE, code, {
      filename: `synthetic-${code}.csv`,
      source: Readable.from([csv]),
    })
  }
}
