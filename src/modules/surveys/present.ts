import type { Change, Estimate } from '../../domain/surveys.js'
import type { Column } from '../../spreadsheets/write.js'
import type { WaveRow } from './queries.js'
import type { Area, AreaResult } from './results.js'
import type { SurveyResults, WaveResults } from './service.js'

/**
 * Views of a survey's results: one flat cell per wave, question, answer and area (what the exports,
 * the open data and the JSON API give: aggregates with bases and intervals, never a respondent), and
 * the results page's charts and tables.
 */

export interface ResultCell {
  survey: string
  synthetic: boolean
  wave: string
  source: 'respondents' | 'aggregates'
  questionnaireVersion: number
  question: string
  /** The question's key across waves: the same for every version that asked something comparable. */
  trend: string
  questionText: string
  answer: string
  answerLabel: string
  areaKind: Area['kind']
  area: string
  areaName: string
  /** Unweighted respondents who answered the question in the area. */
  base: number
  /** Kish's effective base, (Σw)²/Σw². */
  effectiveBase: number
  suppressed: boolean
  /** Weighted share and its 95% interval, 0 to 1; null when suppressed. */
  share: number | null
  lower: number | null
  upper: number | null
  /** Since the wave before (same mapped question, answer and area), in shares; null when not comparable. */
  change: number | null
  significant: boolean | null
}

const round = (value: number | null, places = 6) =>
  value === null ? null : Math.round(value * 10 ** places) / 10 ** places

export function resultCells({ survey, waves }: SurveyResults): ResultCell[] {
  const cells: ResultCell[] = []
  for (const { wave, questionnaire, questions } of waves)
    for (const { question, areas } of questions)
      for (const area of areas)
        for (const { option, estimate, change } of area.answers)
          cells.push({
            survey: survey.code,
            synthetic: survey.synthetic,
            wave: wave.code,
            source: wave.source as ResultCell['source'],
            questionnaireVersion: questionnaire.version,
            question: question.code,
            trend: question.trend,
            questionText: question.text,
            answer: option.code,
            answerLabel: option.label,
            areaKind: area.area.kind,
            area: area.area.key,
            areaName: area.area.name,
            base: area.base,
            effectiveBase: round(area.effectiveBase, 1) as number,
            suppressed: estimate.suppressed,
            share: round(estimate.share),
            lower: round(estimate.lower),
            upper: round(estimate.upper),
            change: round(change?.difference ?? null),
            significant: change ? change.significant : null,
          })
  return cells
}

export const CELL_COLUMNS: Column<ResultCell>[] = [
  { header: 'Survey', value: (c) => c.survey },
  { header: 'Synthetic data', value: (c) => c.synthetic },
  { header: 'Wave', value: (c) => c.wave },
  { header: 'Source', value: (c) => c.source },
  { header: 'Questionnaire version', value: (c) => c.questionnaireVersion },
  { header: 'Question', value: (c) => c.question },
  { header: 'Trend key', value: (c) => c.trend },
  { header: 'Question text', value: (c) => c.questionText },
  { header: 'Answer', value: (c) => c.answer },
  { header: 'Answer label', value: (c) => c.answerLabel },
  { header: 'Area kind', value: (c) => c.areaKind },
  { header: 'Area', value: (c) => c.area },
  { header: 'Area name', value: (c) => c.areaName },
  { header: 'Base (unweighted)', value: (c) => c.base },
  { header: 'Effective base', value: (c) => c.effectiveBase },
  { header: 'Suppressed', value: (c) => c.suppressed },
  { header: 'Weighted share', value: (c) => c.share },
  { header: '95% interval lower', value: (c) => c.lower },
  { header: '95% interval upper', value: (c) => c.upper },
  { header: 'Change since previous wave', value: (c) => c.change },
  { header: 'Change significant (5%)', value: (c) => c.significant },
]

export function percent(value: number | null): string {
  return value === null ? '' : `${(value * 100).toFixed(1)}%`
}

function changeText(change: Change | null): string {
  if (!change) return 'Not comparable'
  const points = (change.difference * 100).toFixed(1)
  const signed = change.difference > 0 ? `+${points}` : points
  return `${signed} points${change.significant ? ' (significant)' : ' (not significant)'}`
}

const CHART = { width: 640, labelWidth: 210, plotWidth: 360, barHeight: 22, gap: 10, top: 26 }

interface ChartBar {
  label: string
  y: number
  width: number
  lowX: number | null
  highX: number | null
  display: string
}

function chartOf(area: AreaResult, minimumBase: number) {
  const bars: ChartBar[] = area.answers.map(({ option, estimate }, index) => ({
    label: option.label,
    y: CHART.top + index * (CHART.barHeight + CHART.gap),
    width: (estimate.share ?? 0) * CHART.plotWidth,
    lowX: estimate.lower === null ? null : estimate.lower * CHART.plotWidth,
    highX: estimate.upper === null ? null : estimate.upper * CHART.plotWidth,
    display: estimate.suppressed ? `withheld (base under ${minimumBase})` : percent(estimate.share),
  }))
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((share) => ({
    x: share * CHART.plotWidth,
    label: percent(share).replace('.0', ''),
  }))
  return { ...CHART, height: CHART.top + bars.length * (CHART.barHeight + CHART.gap) + 10, bars, ticks }
}

function rowOf(option: { label: string }, estimate: Estimate, change: Change | null) {
  return {
    label: option.label,
    share: estimate.suppressed ? 'withheld' : percent(estimate.share),
    interval: estimate.suppressed ? '' : `${percent(estimate.lower)} to ${percent(estimate.upper)}`,
    change: estimate.suppressed ? '' : changeText(change),
    significant: change?.significant ?? false,
  }
}

/** A wave's page: the areas to choose from, and per question a chart with its table. */
export function resultsView(
  results: SurveyResults,
  waveCode: string | undefined,
  areaKey: string | undefined,
) {
  const answered = results.waves.filter((wave) => wave.questions.length)
  const current: WaveResults | undefined =
    answered.find((wave) => wave.wave.code === waveCode) ?? answered.at(-1)
  const areas = new Map<string, Area>()
  for (const question of current?.questions ?? [])
    for (const area of question.areas) areas.set(area.area.key, area.area)
  const area = areas.get(areaKey ?? '') ?? areas.get('national')
  const minimumBase = results.survey.minimumBase
  const index = current ? answered.indexOf(current) : -1
  const previous: WaveRow | undefined = index > 0 ? answered[index - 1]?.wave : undefined
  const questions = (current?.questions ?? []).map(({ question, areas: byArea }) => {
    const result = byArea.find((candidate) => candidate.area.key === area?.key)
    const mapped = previous
      ? answered[index - 1]?.questions.find((candidate) => candidate.question.trend === question.trend)
          ?.question
      : undefined
    return {
      question,
      mappedFrom: mapped && mapped.code !== question.code ? mapped : undefined,
      result,
      suppressed: result ? result.base < minimumBase : true,
      chart: result ? chartOf(result, minimumBase) : null,
      rows: result
        ? result.answers.map(({ option, estimate, change }) => rowOf(option, estimate, change))
        : [],
      headline: result?.headline
        ? rowOf({ label: result.headline.label }, result.headline.estimate, result.headline.change)
        : null,
    }
  })
  return {
    waves: answered.map((wave) => wave.wave),
    wave: current?.wave,
    previous,
    areas: [...areas.values()],
    area,
    questions,
  }
}
