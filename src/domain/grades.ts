/**
 * Police ranks in order of seniority, and the police staff grade bands that publication practice
 * treats alike. Publication rules compare seniority ("names from Chief Superintendent up"), so a grade
 * is known by its position here; anything not listed counts as the most junior, so it is never named.
 */
export const GRADES = [
  'Police Community Support Officer',
  'Police Staff',
  'Constable',
  'Sergeant',
  'Inspector',
  'Police Staff Manager',
  'Chief Inspector',
  'Superintendent',
  'Chief Superintendent',
  'Police Staff Director',
  'Assistant Chief Officer',
  'Assistant Chief Constable',
  'Commander',
  'Deputy Chief Constable',
  'Deputy Assistant Commissioner',
  'Chief Constable',
  'Assistant Commissioner',
  'Deputy Commissioner',
  'Commissioner',
] as const

export type Grade = (typeof GRADES)[number]

const ALIASES: Record<string, Grade> = {
  pcso: 'Police Community Support Officer',
  pc: 'Constable',
  'police constable': 'Constable',
  dc: 'Constable',
  'detective constable': 'Constable',
  ps: 'Sergeant',
  'police sergeant': 'Sergeant',
  ds: 'Sergeant',
  'detective sergeant': 'Sergeant',
  insp: 'Inspector',
  di: 'Inspector',
  'detective inspector': 'Inspector',
  ci: 'Chief Inspector',
  dci: 'Chief Inspector',
  'detective chief inspector': 'Chief Inspector',
  supt: 'Superintendent',
  'detective superintendent': 'Superintendent',
  'ch supt': 'Chief Superintendent',
  'chief supt': 'Chief Superintendent',
  'detective chief superintendent': 'Chief Superintendent',
  acc: 'Assistant Chief Constable',
  dcc: 'Deputy Chief Constable',
  cc: 'Chief Constable',
  cmdr: 'Commander',
  dac: 'Deputy Assistant Commissioner',
  ac: 'Assistant Commissioner',
  aco: 'Assistant Chief Officer',
  staff: 'Police Staff',
  'police staff': 'Police Staff',
}

/** The standard grade for what a roster or form says (`DCI`, `detective chief inspector`…), if known. */
export function standardGrade(text: string): Grade | undefined {
  const key = text.trim().toLowerCase().replace(/\s+/g, ' ').replace(/\./g, '')
  return GRADES.find((grade) => grade.toLowerCase() === key) ?? ALIASES[key]
}

/** How senior a grade is: its position in GRADES, or -1 when it is not a known grade. */
export function seniority(text: string): number {
  const grade = standardGrade(text)
  return grade === undefined ? -1 : GRADES.indexOf(grade)
}

/** Whether someone of `grade` is at least as senior as `threshold` (both as written anywhere). */
export function isAtLeast(grade: string, threshold: Grade): boolean {
  const rank = seniority(grade)
  return rank >= 0 && rank >= GRADES.indexOf(threshold)
}

/**
 * The chief officer ranks: Assistant Chief Constable and above, with the Metropolitan and City of
 * London ranks from Commander up, and the police staff Assistant Chief Officer who sits on a chief
 * officer team. A "Police Staff Director" band is not among them: rosters put heads of department
 * and chief officers alike in it, so such a director signs for the force only by delegation.
 */
export const CHIEF_OFFICER_GRADES: readonly Grade[] = GRADES.slice(GRADES.indexOf('Assistant Chief Officer'))

/** Whether a grade, as a roster or form writes it (`DCC`, `Deputy Chief Constable`…), is a chief officer's. */
export function isChiefOfficerGrade(text: string): boolean {
  const grade = standardGrade(text)
  return grade !== undefined && CHIEF_OFFICER_GRADES.includes(grade)
}
