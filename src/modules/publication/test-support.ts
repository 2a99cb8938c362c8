import type { InspectionSummary } from './facts.js'

/** An inspection as documents name it, for tests that write documents from facts made by hand. */
export const SAMPLE_INSPECTION: InspectionSummary = {
  id: '00000000-0000-4000-8000-000000000001',
  code: 'revisit',
  title: 'A revisit',
  dataFrom: '2011-09-01',
  dataTo: '2012-05-31',
  censusDate: '2012-05-31',
  fieldworkFrom: null,
  fieldworkTo: null,
  revisits: null,
}
