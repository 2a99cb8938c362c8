import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The files that take half a minute or more on an idle two-core machine (CI, 3 Dec 2026), longest
 * first. A fresh clone has no timings of its own, and Vitest then starts the largest files first,
 * which left the crawl (a small file, over a minute and a half) to start late and finish last while
 * the other worker had nothing left to do.
 */
const LONGEST = [
  'test/navigation-crawl.test.ts',
  'test/hostile-input.test.ts',
  'src/web/uploads.test.ts',
  'test/e2e/narrow-screens.test.ts',
  'test/build.test.ts',
  'test/e2e/self-assessment.test.ts',
  'src/cli.test.ts',
  'src/modules/national-dataset/cli.test.ts',
  'test/e2e/policies.test.ts',
  'src/modules/identity/cli.test.ts',
  'src/modules/national-dataset/national-dataset.test.ts',
  'test/e2e/desk-research.test.ts',
]

/** Vitest's own order (longest first by its timings of earlier runs here, else largest first), these first. */
export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const rank = (file: TestSpecification) => {
      const index = LONGEST.findIndex((name) => file.moduleId.endsWith(`/${name}`))
      return index === -1 ? LONGEST.length : index
    }
    // Array sort is stable: the other files keep Vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b))
  }
}
