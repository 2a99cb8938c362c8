import { POLICY_AREAS } from '../../domain/inspections.js'
import { capitalise, countOf, ofWhich, pressNumber } from '../../domain/number-words.js'
import { HEADLINE_JUDGEMENTS } from '../../domain/press-release-facts.js'
import { formatDay } from '../../web/forms.js'
import { escapeMarkdown } from '../press-releases/markdown.js'
import { formatPeriod } from '../press-releases/periods.js'
import type { ForceFacts, NationalFacts } from './facts.js'
import { type Source, sourced, sources } from './sources.js'

/**
 * The national review's narrative: sentences in plain English written from national figures, each a sum
 * or a rate over the forces that returned its data, each linked to the page it is counted from. A figure
 * no force returned is not stated; `missing` tells the editor what was left out and why.
 */

/** One number the narrative states: its value, over how many forces, and its source. */
export interface StatedFigure {
  key: string
  value: number
  forces: number
  source: Source
}

export interface NationalNarrative {
  introduction: string[]
  judgements: string[]
  figures: string[]
  research: string[]
  surveys: string[]
  recommendations: string[]
  stated: StatedFigure[]
  missing: string[]
}

/** A share as a whole percentage: 0.956 → "96%". */
export function wholePercent(rate: number): string {
  return `${Math.round(rate * 100)}%`
}

interface Returned {
  force: ForceFacts
  value: number
}

/** The forces that returned an item, with their values. */
function returned(forces: readonly ForceFacts[], code: string): Returned[] {
  return forces.flatMap((force) => {
    const value = force.figures.find((figure) => figure.code === code)?.value
    return typeof value === 'number' && Number.isFinite(value) ? [{ force, value }] : []
  })
}

const sum = (rows: readonly Returned[]) => rows.reduce((total, row) => total + row.value, 0)

/** Forces by name, for the editor: "Cleveland Police and Durham Constabulary", or "12 forces". */
function named(forces: readonly ForceFacts[]): string {
  if (forces.length > 5) return countOf(forces.length, 'force')
  const names = forces.map((force) => force.force.name)
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '')
}

export function nationalNarrative(facts: NationalFacts): NationalNarrative {
  const { inspection, forces } = facts
  const stated: StatedFigure[] = []
  const missing: string[] = []
  const inScope = forces.length
  /** The words of a figure, linked to its source and remembered as stated. */
  const figure = (key: string, value: number, over: number, source: Source, words: string) => {
    stated.push({ key, value, forces: over, source })
    return sourced(words, source)
  }
  const comparison = (code: string, what: string) =>
    sources.comparison(inspection.id, code, `${what}: every force’s data return side by side`)
  /** "the three forces", "all 44 forces", "the one force": the forces a figure is summed over, linked. */
  const over = (key: string, count: number, source: Source) => {
    const words =
      count === inScope && count > 2
        ? `${pressNumber(count)} forces`
        : count === 1
          ? 'one force'
          : countOf(count, 'force')
    return `${count === inScope && count > 2 ? 'all' : 'the'} ${figure(`${key}:forces`, count, count, source, words)}`
  }
  /** Notes the forces in scope that did not return an item; true when none did. */
  const gaps = (rows: readonly Returned[], what: string): boolean => {
    const without = forces.filter((force) => !rows.some((row) => row.force === force))
    if (without.length === inScope) {
      missing.push(`No force returned ${what}: the review says nothing about it.`)
      return true
    }
    if (without.length)
      missing.push(
        `${capitalise(named(without))} did not return ${what}: the national figures leave them out.`,
      )
    return false
  }

  // Introduction ---------------------------------------------------------------------------------
  const period = formatPeriod({ from: inspection.dataFrom, to: inspection.dataTo })
  const introduction = [
    `This review brings together what we found in ${figure(
      'forces',
      inScope,
      inScope,
      sources.inspection(inspection.id, 'The forces in the inspection’s scope'),
      countOf(inScope, 'force'),
    )}. The figures cover the period ${period}; cases still open are counted as they stood on ${formatDay(inspection.censusDate)}.${
      inspection.revisits
        ? ` The inspection returned to the recommendations of *${escapeMarkdown(inspection.revisits.title)}*.`
        : ''
    }`,
  ]

  // Headline judgements by category ------------------------------------------------------------------
  const judgements: string[] = []
  const judged = forces.filter((force) => force.pressRelease.headline)
  if (judged.length) {
    const judgementSource = sources.inspection(inspection.id, 'Every force’s headline judgement')
    const parts = HEADLINE_JUDGEMENTS.flatMap((headline) => {
      const count = judged.filter((force) => force.pressRelease.headline === headline).length
      if (!count) return []
      return [
        `${figure(`judgement:${headline}`, count, judged.length, judgementSource, countOf(count, 'force'))} made ${headline}`,
      ]
    })
    const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]
    judgements.push(
      `Of the ${figure('judged', judged.length, judged.length, judgementSource, countOf(judged.length, 'force'))} with a confirmed headline judgement, ${list} in how they identify, monitor and manage risks to their integrity.`,
    )
  }
  const unjudged = forces.filter((force) => !force.pressRelease.headline)
  if (unjudged.length)
    missing.push(
      `${capitalise(named(unjudged))} ${unjudged.length === 1 ? 'has' : 'have'} no confirmed headline judgement: the review counts only the forces judged.`,
    )

  // The data returns, summed ---------------------------------------------------------------------
  /** A part's returns (approvals, continuing) from the forces that returned the whole. */
  const partOf = (code: string, whole: readonly Returned[]) =>
    returned(forces, code).filter((row) => whole.some((other) => other.force === row.force))
  const figures: string[] = []
  const applications = returned(forces, 'second-job-applications')
  if (!gaps(applications, 'second-job applications')) {
    const total = sum(applications)
    const approvals = partOf('second-job-approvals', applications)
    const source = comparison('second-job-applications', 'Second-job applications')
    let sentence = `Across ${over('second-job-applications', applications.length, source)} that returned it, officers and staff made ${figure(
      'second-job-applications',
      total,
      applications.length,
      source,
      countOf(total, 'application'),
    )} for a second job or other business interest in the period`
    if (approvals.length === applications.length && total > 0) {
      const approved = sum(approvals)
      sentence += `, ${figure(
        'second-job-approvals',
        approved,
        approvals.length,
        comparison('second-job-approvals', 'Second-job applications approved'),
        ofWhich(approved, total, 'approved'),
      )} (${figure('second-job-approval-rate', approved / total, approvals.length, comparison('second-job-approvals', 'Second-job applications approved'), wholePercent(approved / total))})`
    } else if (approvals.length) {
      missing.push(
        'Some forces returned second-job applications without approvals: the review states no national approval figure.',
      )
    }
    figures.push(`${sentence}.`)
  }

  const investigations = returned(forces, 'media-disclosure-investigations')
  if (!gaps(investigations, 'media-disclosure investigations')) {
    const total = sum(investigations)
    const continuing = partOf('media-disclosure-continuing', investigations)
    const source = comparison('media-disclosure-investigations', 'Media-disclosure investigations')
    let sentence = `In ${over('media-disclosure-investigations', investigations.length, source)} that returned it, ${figure(
      'media-disclosure-investigations',
      total,
      investigations.length,
      source,
      countOf(total, 'investigation'),
    )} ${total === 1 ? 'was' : 'were'} opened into information disclosed inappropriately to the media in the period`
    if (continuing.length === investigations.length && total > 0) {
      const still = sum(continuing)
      sentence += `, ${figure(
        'media-disclosure-continuing',
        still,
        continuing.length,
        comparison('media-disclosure-continuing', 'Media-disclosure investigations continuing'),
        ofWhich(still, total, `still continuing on ${formatDay(inspection.censusDate)}`),
      )}`
    }
    figures.push(`${sentence}.`)
  }

  const acu = returned(forces, 'acu-staff-change')
  if (!gaps(acu, 'the change in anti-corruption unit staff')) {
    const source = comparison('acu-staff-change', 'Anti-corruption unit staff change')
    const groups: [string, number, string][] = [
      ['acu-grew', acu.filter((row) => row.value > 0).length, 'increased the staff of its unit'],
      ['acu-shrank', acu.filter((row) => row.value < 0).length, 'reduced it'],
      ['acu-same', acu.filter((row) => row.value === 0).length, 'kept the same number of posts filled'],
    ]
    const parts = groups
      .filter(([, count]) => count > 0)
      .map(([key, count, what]) => {
        const words = count === acu.length && count > 1 ? `all ${pressNumber(count)}` : pressNumber(count)
        return `${figure(key, count, acu.length, source, words)} ${what}`
      })
    const net = Math.round(sum(acu) * 10) / 10
    const size = Math.abs(net)
    const netWords =
      net === 0
        ? ''
        : `; across them the units ${net > 0 ? 'grew' : 'shrank'} by ${figure(
            'acu-staff-change',
            net,
            acu.length,
            source,
            Number.isInteger(size) ? countOf(size, 'post') : `${size} posts`,
          )} filled (full-time equivalent)`
    figures.push(
      `Of ${over('acu-staff-change', acu.length, source)} that returned the change in their anti-corruption unit’s staff since the previous inspection, ${parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]}${netWords}.`,
    )
  }

  const plans = returned(forces, 'counter-corruption-plan')
  if (plans.length) {
    const withPlan = plans.filter((row) => row.value === 1).length
    const source = comparison('counter-corruption-plan', 'Counter-corruption plan')
    figures.push(
      plans.length === 1
        ? `The ${figure('counter-corruption-plan:forces', 1, 1, source, 'one force')} that answered ${figure('counter-corruption-plan', withPlan, 1, source, withPlan ? 'had a counter-corruption plan' : 'had no counter-corruption plan')}.`
        : `${figure('counter-corruption-plan', withPlan, plans.length, source, countOf(withPlan, 'force', { start: true, zero: 'none of the' }))} of ${over('counter-corruption-plan', plans.length, source)} that answered had a counter-corruption plan.`,
    )
  }

  const awareness = POLICY_AREAS.flatMap((area) => {
    const code = `policy-awareness-${area.code}`
    const rows = returned(forces, code)
    if (!rows.length) return []
    const mean = sum(rows) / rows.length
    const source = comparison(code, `Policy awareness: ${area.name.toLowerCase()}`)
    return [
      `${figure(`${code}:mean`, mean, rows.length, source, wholePercent(mean))} for ${area.name.toLowerCase()} (${figure(`${code}:forces`, rows.length, rows.length, source, countOf(rows.length, 'force'))})`,
    ]
  })
  if (awareness.length)
    figures.push(
      `On average across the forces that returned it, the share of staff asked who had acknowledged the force’s latest policy by the census date was ${awareness.length > 1 ? `${awareness.slice(0, -1).join(', ')} and ${awareness.at(-1)}` : awareness[0]}.`,
    )
  else missing.push('No force returned policy awareness: the review says nothing about it.')

  // Desk research and the social-media referrals -----------------------------------------------------
  const research: string[] = []
  for (const exercise of facts.research ?? []) {
    if (!exercise.profilesReviewed) continue
    const source = sources.research(exercise.code, `Desk research “${exercise.name}”: summary figures`)
    let sentence = `Our desk research of public social media, *${escapeMarkdown(exercise.name)}*, reviewed ${figure(
      `research:${exercise.code}:profiles`,
      exercise.profilesReviewed,
      0,
      source,
      countOf(exercise.profilesReviewed, 'profile'),
    )} of people who identified themselves as working for the police, and confirmed ${figure(
      `research:${exercise.code}:instances`,
      exercise.instances,
      0,
      source,
      countOf(exercise.instances, 'instance'),
    )} of potentially inappropriate content`
    if (exercise.instances > 0)
      sentence += ` on ${figure(
        `research:${exercise.code}:profiles-with-instances`,
        exercise.profilesWithInstances,
        0,
        source,
        countOf(exercise.profilesWithInstances, 'profile'),
      )}`
    research.push(`${sentence}.`)
    if (exercise.platforms.length && exercise.instances > 0)
      research.push(
        `By platform, the instances were: ${exercise.platforms
          .map(
            (platform) =>
              `${escapeMarkdown(platform.label)} ${figure(
                `research:${exercise.code}:platform:${platform.label}`,
                platform.percent,
                0,
                source,
                `${platform.percent}%`,
              )}`,
          )
          .join(', ')}.`,
      )
  }
  if (!(facts.research ?? []).some((exercise) => exercise.profilesReviewed))
    missing.push(
      'No desk research of social media covers the inspection’s period: the review says nothing about it.',
    )
  const referrals = returned(forces, 'social-media-referrals')
  if (!gaps(referrals, 'social-media referrals')) {
    const total = sum(referrals)
    const source = comparison('social-media-referrals', 'Social-media cases referred')
    const reached = referrals.filter((row) => row.value > 0).length
    research.push(
      total === 0
        ? `Our research found nothing on social media to refer to ${over('social-media-referrals', referrals.length, source)} that returned the figure (${figure('social-media-referrals', 0, referrals.length, source, '0')} referrals).`
        : `We referred ${figure('social-media-referrals', total, referrals.length, source, countOf(total, 'case'))} of potentially inappropriate behaviour on social media to ${figure('social-media-referred-forces', reached, referrals.length, source, countOf(reached, 'force'))}.`,
    )
  }

  // Surveys -----------------------------------------------------------------------------------------
  const surveys: string[] = []
  for (const headline of facts.surveys ?? []) {
    const source = { href: headline.href, title: `${headline.survey}: results by wave` }
    let sentence = `In the ${escapeMarkdown(headline.wave)} wave of *${escapeMarkdown(headline.survey)}*${headline.synthetic ? ' (synthetic data, for demonstration)' : ''}, ${figure(
      `survey:${headline.survey}:${headline.wave}`,
      headline.share,
      0,
      source,
      wholePercent(headline.share),
    )} of the public ${escapeMarkdown(headline.finding)}`
    if (headline.previous) {
      const change = Math.round((headline.share - headline.previous.share) * 100)
      sentence += `, against ${figure(
        `survey:${headline.survey}:${headline.previous.wave}`,
        headline.previous.share,
        0,
        source,
        wholePercent(headline.previous.share),
      )} in ${escapeMarkdown(headline.previous.wave)}`
      sentence += headline.previous.significant
        ? ` (a ${change > 0 ? 'rise' : 'fall'} that is statistically significant)`
        : ' (no statistically significant change)'
    }
    surveys.push(`${sentence}.`)
  }

  // Recommendations ----------------------------------------------------------------------------------
  const recommendations: string[] = []
  const counts = new Map<string, number>()
  const reporting = forces.filter((force) => force.recommendations.some((r) => r.status))
  for (const force of reporting)
    for (const recommendation of force.recommendations)
      if (recommendation.status)
        counts.set(recommendation.status, (counts.get(recommendation.status) ?? 0) + 1)
  if (reporting.length) {
    const source = sources.nationalRecommendations(
      inspection.code,
      'Every force’s progress against the recommendations',
    )
    const parts = [...counts].map(
      ([status, count]) =>
        `${figure(`recommendations:${status}`, count, reporting.length, source, pressNumber(count))} ${status}`,
    )
    recommendations.push(
      `In ${figure('recommendations:forces', reporting.length, reporting.length, source, countOf(reporting.length, 'force'))} that have recorded progress, the recommendations stand at: ${parts.join(', ')}.`,
    )
  }
  const silent = forces.filter((force) => !reporting.includes(force))
  if (silent.length)
    missing.push(
      `${capitalise(named(silent))} ${silent.length === 1 ? 'has' : 'have'} recorded no progress against the recommendations.`,
    )

  return { introduction, judgements, figures, research, surveys, recommendations, stated, missing }
}
