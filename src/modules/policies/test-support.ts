import { SYSTEM_CALLER } from '../../domain/access.js'
import type { Services } from '../../services.js'

/**
 * A force's social media policy with its version 1 published to all its staff (by `deadline`), as a
 * command-line test's setup makes it: the version's id.
 */
export async function publishedSocialMediaPolicy(
  services: Services,
  forceId: number,
  deadline: string,
  options: { at?: Date } = {},
): Promise<string> {
  const policy = await services.policies.createPolicy(
    SYSTEM_CALLER,
    { area: 'social-media', title: 'Social media policy' },
    forceId,
  )
  const version = await services.policies.createVersion(SYSTEM_CALLER, policy.id, {
    title: 'Use of social media',
    body: 'Do not post about operations.',
    effectiveDate: '2012-03-01',
    owner: 'Head of PSD',
  })
  await services.policies.publish(SYSTEM_CALLER, version.id, { audience: 'all', deadline }, options)
  return version.id
}
