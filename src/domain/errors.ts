/**
 * Failures a service reports to whoever called it. The web layer turns each into the right status
 * and page; the CLI prints its message. None carries internals.
 */
export class NotFoundError extends Error {
  readonly statusCode = 404
  constructor(message = 'Not found') {
    super(message)
  }
}

/** Signed in, but this is not theirs to see or do. */
export class ForbiddenError extends Error {
  readonly statusCode = 403
  constructor(message = 'You do not have permission to do that') {
    super(message)
  }
}

/** Not signed in (or no valid API token) where that is required. */
export class UnauthenticatedError extends Error {
  readonly statusCode = 401
  constructor(message = 'Sign in to continue') {
    super(message)
  }
}

/** Input that breaks a rule, with a message per field for the form's error summary. */
export class ValidationError extends Error {
  readonly statusCode = 400
  constructor(readonly fieldErrors: Record<string, string>) {
    super(Object.values(fieldErrors).join('; '))
  }
}
