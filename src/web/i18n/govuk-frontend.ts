import type { Language } from './catalogue.js'

/**
 * GOV.UK Frontend's components say some words of their own (a skip link, a menu button, a file
 * chooser's "No file chosen", a password's "Show"). Their macros take those words as parameters, and
 * GOV.UK Frontend's localisation guide gives them in Welsh; English pages pass nothing, so the
 * components keep their own English, byte for byte.
 */
const WELSH: Record<string, Record<string, unknown>> = {
  serviceNavigation: { menuButtonText: 'Dewislen', navigationLabel: 'Dewislen' },
  breadcrumbs: { labelText: 'Briwsion bara' },
  backLink: { text: 'Yn ôl' },
  errorSummary: { titleText: 'Mae problem wedi codi' },
  errorMessage: { visuallyHiddenText: 'Gwall' },
  notificationBanner: { titleText: 'Llwyddiant' },
  warningText: { iconFallbackText: 'Rhybudd' },
  pagination: { landmarkLabel: 'Canlyniadau' },
  fileUpload: {
    chooseFilesButtonText: 'Dewiswch ffeiliau',
    dropInstructionText: 'neu ollwng ffeiliau',
    noFileChosenText: 'Dim ffeil wedi’i dewis',
    multipleFilesChosenText: {
      zero: '%{count} ffeil wedi’u dewis',
      one: '%{count} ffeil wedi’i dewis',
      two: '%{count} ffeil wedi’u dewis',
      few: '%{count} ffeil wedi’u dewis',
      many: '%{count} ffeil wedi’u dewis',
      other: '%{count} ffeil wedi’u dewis',
    },
    enteredDropZoneText: 'Wedi mynd i mewn i’r ardal gollwng',
    leftDropZoneText: 'Wedi gadael yr ardal gollwng',
  },
  passwordInput: {
    showPasswordText: 'Dangos',
    hidePasswordText: 'Cuddio',
    showPasswordAriaLabelText: 'Dangos cyfrinair',
    hidePasswordAriaLabelText: 'Cuddio cyfrinair',
    passwordShownAnnouncementText: 'Mae eich cyfrinair yn weladwy',
    passwordHiddenAnnouncementText: 'Mae eich cyfrinair wedi’i guddio',
  },
}

/**
 * GOV.UK's own English that pages pass as it is, rather than leaving it out: "There is a problem" is the
 * title of every error summary (src/web/views/govuk/components shadows the macros to translate it).
 */
const GOVUK_ENGLISH: Record<string, Record<string, unknown>> = {
  errorSummary: { titleText: 'There is a problem' },
}

/**
 * A component's parameters with its own words in the language: Welsh wins over nothing, and over
 * GOV.UK's own English where a page passed it, but not over the page's own words.
 */
export function govukI18n(
  language: Language,
  component: string,
  params: Record<string, unknown> = {},
): Record<string, unknown> {
  if (language === 'en') return params
  const own = Object.fromEntries(
    Object.entries(params).filter(([name, value]) => GOVUK_ENGLISH[component]?.[name] !== value),
  )
  return { ...WELSH[component], ...own }
}

/** The components whose words are translated, for the catalogue test. */
export const GOVUK_COMPONENTS_IN_WELSH = Object.keys(WELSH)
