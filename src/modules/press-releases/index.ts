/**
 * The press office's text core (issues #8 and #9): write a force's press release from its facts, and
 * read the facts back from a press release; a Welsh force's in Welsh as well. No database: callers pass
 * the forces and the template.
 */
export { NotAPressReleaseError, readDocument, textProblem, unreadableReason } from './document.js'
export { type ExtractedPressRelease, extractPressRelease, type SourceSentence } from './extractor.js'
export { shippedForces } from './forces.js'
export { markdownToHtml, markdownToText } from './markdown.js'
export { findPeriod, formatPeriod, type Period } from './periods.js'
export {
  checkPressReleaseTemplate,
  DEFAULT_PRESS_RELEASE_TEMPLATE,
  defaultPressReleaseTemplate,
  forceNameForms,
  PRESS_RELEASE_FORMATS,
  type PressReleaseContext,
  type PressReleaseFormat,
  PressReleaseTemplateError,
  renderPressRelease,
  renderWelshPressRelease,
} from './renderer.js'
export { hasWelshPressRelease, WELSH_FORCES } from './welsh.js'
