import { Readable } from 'node:stream'
import { SYSTEM_CALLER } from '../../domain/access.js'
import type { Services } from '../../services.js'

export const DEMO_EXERCISE = 'social-media-2012'

const HEADER = 'platform,profile_handle,display_name,profile_text,post_id,date,text,url'
const POSTS: [string, string, string, string, string, string, string][] = [
  [
    'twitter',
    '@CheshireCopper',
    'PC Copper',
    'Response officer, Cheshire Police. Views my own',
    'cc1',
    '2012-01-12',
    'Another night shift in custody with the scumbags of Runcorn',
  ],
  [
    'twitter',
    '@CheshireCopper',
    'PC Copper',
    'Response officer, Cheshire Police. Views my own',
    'cc2',
    '2012-01-14',
    'Lovely walk by the canal with the dog',
  ],
  [
    'twitter',
    '@CheshireCopper',
    'PC Copper',
    'Response officer, Cheshire Police. Views my own',
    'cc3',
    '2012-02-02',
    'Raid this morning, locked up three of them before breakfast',
  ],
  [
    'facebook',
    'tees.bobby',
    'Bobby Teesside',
    'Cleveland Police, first-class team',
    'tb1',
    '2012-01-20',
    'Hate this job some days, the bosses are useless',
  ],
  [
    'facebook',
    'tees.bobby',
    'Bobby Teesside',
    'Cleveland Police, first-class team',
    'tb2',
    '2012-02-11',
    'Passed my exam! Thanks everyone',
  ],
  [
    'twitter',
    '@GMPSarge',
    'Sarge',
    'Sergeant with GMP',
    'gs1',
    '2012-03-01',
    'Ran a check on my neighbour’s new boyfriend, off the record',
  ],
  [
    'twitter',
    '@blue_line_life',
    'Blue Line',
    'Ex Cheshire, now West Midlands Police',
    'bl1',
    '2012-02-20',
    'Bring back hanging, string them up I say',
  ],
  [
    'instagram',
    'quiet.pc',
    'Quiet PC',
    'Public servant. Views my own',
    'qp1',
    '2012-03-10',
    'What an idiot, what a moron that driver was',
  ],
]

/** A desk-research exercise with a few profiles and flagged posts waiting for review, once. */
export async function seedDemoResearch(services: Services): Promise<void> {
  const existing = await services.deskResearch.list(SYSTEM_CALLER)
  if (existing.some((exercise) => exercise.code === DEMO_EXERCISE)) return
  await services.deskResearch.create(SYSTEM_CALLER, {
    code: DEMO_EXERCISE,
    name: 'Social media review 2012',
    periodFrom: '2011-09-01',
    periodTo: '2012-03-31',
    retainUntil: '2099-12-31',
  })
  const quote = (value: string) => `"${value.replace(/"/g, '""')}"`
  const lines = POSTS.map((post) =>
    [...post, `https://${post[0]}.example/${post[1].replace('@', '')}/${post[4]}`].map(quote).join(','),
  )
  await services.deskResearch.importPosts(SYSTEM_CALLER, DEMO_EXERCISE, {
    stream: Readable.from([`${HEADER}\n${lines.join('\n')}\n`]),
    format: 'csv',
    filename: 'demo.csv',
  })
}
