import { ValidationError } from '../../domain/errors.js'

/**
 * Gathers every field's problem before any is reported, so a form shows them all at once, in the order
 * of its fields, as the GOV.UK error summary pattern asks (not one more problem after each correction).
 */
export class FieldProblems {
  private readonly messages: Record<string, string> = {}

  constructor(private readonly fieldOrder: readonly string[]) {}

  /** Runs a check; a ValidationError it throws is kept (the first message per field) rather than thrown. */
  async check<T>(work: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await work()
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      for (const [field, message] of Object.entries(error.fieldErrors)) this.add(field, message)
      return undefined
    }
  }

  add(field: string, message: string): void {
    this.messages[field] ??= message
  }

  throwIfAny(): void {
    const fields = Object.keys(this.messages)
    if (!fields.length) return
    const rank = (field: string) => {
      const index = this.fieldOrder.indexOf(field)
      return index === -1 ? this.fieldOrder.length : index
    }
    fields.sort((a, b) => rank(a) - rank(b))
    throw new ValidationError(
      Object.fromEntries(fields.map((field) => [field, this.messages[field] as string])),
    )
  }
}
