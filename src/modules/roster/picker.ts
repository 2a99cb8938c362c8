import type { Caller } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import type { RosterService, StaffMember } from './service.js'

/** What a form's person question came to: the member meant, the candidates to choose from, or no one. */
export interface PersonFromForm {
  member?: StaffMember
  candidates?: StaffMember[]
}

/**
 * Reads a form's question "who" (macros/person-picker.njk), which works without JavaScript: the person
 * is typed by name or staff number (`person`), and when several members of the force match, the page
 * shows them as radios and the one chosen comes back as `staffMemberId`. Nothing typed or chosen gives
 * no one, or an error when the person is `required`; no match gives an error on `person`.
 */
export async function personFromForm(
  roster: RosterService,
  caller: Caller,
  body: Record<string, unknown>,
  required = false,
): Promise<PersonFromForm> {
  const text = typeof body.person === 'string' ? body.person.trim().slice(0, 200) : ''
  const chosenId = typeof body.staffMemberId === 'string' ? body.staffMemberId : undefined
  if (!text && !chosenId) {
    if (required)
      throw new ValidationError({ person: 'Enter the name or staff number of the member of staff' })
    return {}
  }
  const picked = await roster.pick(caller, text, chosenId)
  if ('member' in picked) return { member: picked.member }
  if (picked.candidates.length === 0)
    throw new ValidationError({
      person: text
        ? `No one in your force has a name or staff number containing “${text}”`
        : 'Select the member of staff, or search again',
    })
  return { candidates: picked.candidates }
}
