import { optionalText } from './fields.js'

/**
 * Work done before it is entered (a case opened from a referral last month, a referral of posts
 * confirmed in the research period) may be dated earlier than the day it is recorded, so that it
 * counts in its own period's data return. An earlier date needs a reason, which the audit trail
 * keeps; it is never in the future nor before what the record comes from.
 */
export interface EarlierDateRule {
  /** The field the date came from, and how its messages name it ("The date the case was opened"). */
  field: string
  label: string
  /** The field the reason came from. */
  reasonField: string
  /** The day the record is entered. */
  today: string
  /** What the record comes from: it cannot be dated before this day (`what` reads "the date of the referral"). */
  earliest?: { day: string; what: string }
}

/** The reason given for an earlier date: optional text, up to 2,000 characters. */
export const earlierDateReasonField = (label = 'The reason for the earlier date') => optionalText(label, 2000)

/** The problems with `day` (and its reason) under the rule, by field; none when it may be recorded. */
export function earlierDateProblems(
  rule: EarlierDateRule,
  day: string,
  reason: string | null,
): Record<string, string> {
  if (day > rule.today) return { [rule.field]: `${rule.label} must be today or in the past` }
  if (rule.earliest && day < rule.earliest.day)
    return { [rule.field]: `${rule.label} must be on or after ${rule.earliest.what}` }
  if (day < rule.today && !reason)
    return {
      [rule.reasonField]: `Enter why ${rule.label.charAt(0).toLowerCase()}${rule.label.slice(1)} is earlier than today`,
    }
  return {}
}
