/** The closed lists that register entries choose from; the same words in forms, imports and exports. */

export const BUSINESS_INTEREST_CATEGORIES = [
  'paid employment',
  'self-employment',
  'company director or partner',
  'shareholding',
  'property letting',
  'teaching or training',
  'security work',
  'voluntary work',
  'relative’s business',
  'other',
] as const

/** The national criteria a business interest is assessed against (College of Policing APP). */
export const BUSINESS_INTEREST_CRITERIA = [
  'impartiality',
  'impact on the force',
  'current performance',
  'proportionality to role',
  'equality',
  'health and well-being',
] as const

export const BUSINESS_INTEREST_STATUSES = [
  'submitted',
  'approved',
  'approved with conditions',
  'refused',
  'withdrawn',
  'expired',
  /** Ended by a review that found it could not continue. */
  'revoked',
] as const

/** What a review of an approved business interest decides. */
export const BUSINESS_INTEREST_REVIEW_OUTCOMES = ['continue', 'vary conditions', 'revoke'] as const

export const APPEAL_STATUSES = ['lodged', 'upheld', 'dismissed'] as const

export const GIFT_KINDS = ['gift', 'hospitality'] as const
export const GIFT_OUTCOMES = ['accepted', 'declined'] as const
export const GIFT_DISPOSALS = ['kept', 'returned', 'donated', 'destroyed'] as const
/** Donors the force must look at twice: a supplier, a contractor or the media. */
export const DONOR_TYPES = ['supplier', 'contractor', 'media', 'public', 'partner agency', 'other'] as const
export const FLAGGED_DONOR_TYPES: readonly (typeof DONOR_TYPES)[number][] = [
  'supplier',
  'contractor',
  'media',
]

export const MEDIA_CONTACT_METHODS = ['in person', 'telephone', 'email', 'social media', 'other'] as const
