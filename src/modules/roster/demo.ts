import { SYSTEM_CALLER } from '../../domain/access.js'
import type { Services } from '../../services.js'

/** Where each demo force's people work; the first towns name the neighbourhood teams. */
const FORCES: Record<string, { prefix: string; towns: [string, string] }> = {
  cheshire: { prefix: 'CH', towns: ['Warrington', 'Chester'] },
  cleveland: { prefix: 'CL', towns: ['Middlesbrough', 'Hartlepool'] },
}

const FIRST_NAMES = [
  'Amelia',
  'Ben',
  'Chloe',
  'Daniel',
  'Emma',
  'Faisal',
  'Grace',
  'Harry',
  'Imogen',
  'Jack',
  'Kate',
  'Liam',
  'Megan',
  'Nathan',
  'Olivia',
  'Priya',
  'Ryan',
  'Sophie',
  'Tom',
  'Zara',
]
const LAST_NAMES = [
  'Ainsworth',
  'Bradley',
  'Carter',
  'Dawson',
  'Evans',
  'Fletcher',
  'Gibson',
  'Hughes',
  'Iqbal',
  'Jones',
  'Kaur',
  'Lloyd',
  'Morris',
  'Nolan',
  'Owen',
  'Patel',
  'Quinn',
  'Roberts',
  'Shaw',
  'Turner',
]

/** [grade, unit] of the 40 people on each demo roster, most senior first. */
function posts(towns: [string, string]): [string, string][] {
  const [first, second] = towns
  const list: [string, string][] = [
    ['Chief Constable', 'Chief Officer Team'],
    ['Deputy Chief Constable', 'Chief Officer Team'],
    ['Assistant Chief Constable', 'Chief Officer Team'],
    ['Chief Superintendent', 'Territorial Policing'],
    ['Superintendent', 'Professional Standards Department'],
    ['Superintendent', 'Crime Command'],
    ['Chief Inspector', 'Anti-Corruption Unit'],
    ['Chief Inspector', `Neighbourhood Policing – ${first}`],
    ['Inspector', 'Professional Standards Department'],
    ['Inspector', 'Response – Eastern Area'],
    ['Inspector', 'Criminal Investigation Department'],
    ['Inspector', `Neighbourhood Policing – ${second}`],
    ['Police Staff Manager', 'Corporate Communications'],
  ]
  const sergeants = ['Anti-Corruption Unit', 'Response – Eastern Area', 'Response – Western Area']
  for (const unit of [...sergeants, 'Criminal Investigation Department', 'Roads Policing'])
    list.push(['Sergeant', unit])
  const constableUnits = [
    `Neighbourhood Policing – ${first}`,
    `Neighbourhood Policing – ${second}`,
    'Response – Eastern Area',
    'Response – Western Area',
    'Criminal Investigation Department',
    'Roads Policing',
  ]
  for (let index = 0; index < 12; index++) list.push(['Constable', constableUnits[index % 6] as string])
  for (const town of [first, second, first])
    list.push(['Police Community Support Officer', `Neighbourhood Policing – ${town}`])
  for (const unit of [
    'Contact Centre',
    'Contact Centre',
    'Human Resources',
    'Professional Standards Department',
    'Corporate Communications',
    'Information Management',
    'Finance',
  ])
    list.push(['Police Staff', unit])
  return list
}

/**
 * The demo users' own entries: the force admin heads professional standards, the caseworker works in
 * it, and the member of staff is a constable (who applies for second jobs in the demo).
 */
const DEMO_USER_POSTS: Record<string, { staffNumber: string; name: string; grade: string; unit: string }> = {
  'psd.head@cheshire.example': {
    staffNumber: 'CH0901',
    name: 'Chris Cheshire-Admin',
    grade: 'Superintendent',
    unit: 'Professional Standards Department',
  },
  'caseworker@cheshire.example': {
    staffNumber: 'CH0902',
    name: 'Carla Cheshire-Caseworker',
    grade: 'Police Staff',
    unit: 'Professional Standards Department',
  },
  'officer@cheshire.example': {
    staffNumber: 'CH0903',
    name: 'Sam Cheshire-Staff',
    grade: 'Constable',
    unit: 'Neighbourhood Policing – Warrington',
  },
  'psd.head@cleveland.example': {
    staffNumber: 'CL0901',
    name: 'Clare Cleveland-Admin',
    grade: 'Superintendent',
    unit: 'Professional Standards Department',
  },
  'caseworker@cleveland.example': {
    staffNumber: 'CL0902',
    name: 'Colin Cleveland-Caseworker',
    grade: 'Sergeant',
    unit: 'Professional Standards Department',
  },
  'officer@cleveland.example': {
    staffNumber: 'CL0903',
    name: 'Sid Cleveland-Staff',
    grade: 'Constable',
    unit: 'Neighbourhood Policing – Middlesbrough',
  },
}

/** A demo force's roster as the rows of an HR export: 37 people plus the 3 demo users, 2 of them leavers. */
export function demoRosterRows(forceCode: string): Record<string, string>[] {
  const force = FORCES[forceCode]
  if (!force) return []
  const offset = forceCode === 'cheshire' ? 0 : 7
  const rows = posts(force.towns)
    .slice(0, 37)
    .map(([grade, unit], index) => {
      const year = 1985 + ((index * 7 + offset) % 26)
      return {
        staff_number: `${force.prefix}${String(1001 + index * 13).padStart(4, '0')}`,
        name: `${FIRST_NAMES[(index + offset) % FIRST_NAMES.length]} ${LAST_NAMES[(index * 3 + offset) % LAST_NAMES.length]}`,
        grade,
        unit,
        start_date: `${year}-${String(1 + (index % 12)).padStart(2, '0')}-${String(1 + ((index * 5) % 28)).padStart(2, '0')}`,
        // Two people left in 2011, before the 2012 revisit.
        leave_date: index === 20 ? '2011-09-30' : index === 33 ? '31/12/2011' : '',
      }
    })
  for (const [email, post] of Object.entries(DEMO_USER_POSTS)) {
    if (!email.endsWith(`@${forceCode}.example`)) continue
    rows.push({
      staff_number: post.staffNumber,
      name: post.name,
      grade: post.grade,
      unit: post.unit,
      start_date: '2005-04-01',
      leave_date: '',
    })
  }
  return rows
}

/** Loads the demo forces' rosters, once: a force whose roster has anyone on it is left as it is. */
export async function seedDemoRoster(services: Services): Promise<void> {
  for (const forceCode of Object.keys(FORCES)) {
    const force = await services.roster.forceForImport(SYSTEM_CALLER, forceCode)
    const existing = await services.roster.list(
      SYSTEM_CALLER,
      forceCode,
      { status: 'all' },
      { sort: 'name', order: 'asc' },
      1,
    )
    if (existing.total > 0) continue
    const rows = demoRosterRows(force.code).map((values, index) => ({ line: index + 2, values }))
    const { plan } = await services.roster.importRows(SYSTEM_CALLER, {
      forceCode,
      filename: `${forceCode}-demo-roster.csv`,
      rows,
    })
    if (plan.problems.length) throw new Error(`the demo roster of ${forceCode} has bad rows`)
  }
}

/** Links a newly made demo user to their own roster entry, if they have one. */
export async function linkDemoUser(services: Services, user: { id: string; email: string }): Promise<void> {
  const post = DEMO_USER_POSTS[user.email]
  if (!post) return
  const forceCode = user.email.split('@')[1]?.replace(/\.example$/, '')
  const force = await services.roster.forceForImport(SYSTEM_CALLER, forceCode)
  const member = await services.roster.findByStaffNumber(SYSTEM_CALLER, force.id, post.staffNumber)
  if (member) await services.users.linkStaffMember(SYSTEM_CALLER, user.id, member.id)
}
