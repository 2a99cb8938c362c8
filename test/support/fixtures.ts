import path from 'node:path'
import { repoRoot } from './processes.js'

/** The real 2012 press releases and their facts, copied into the repository so a plain clone tests them. */
export const PRESS_RELEASE_FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'press-releases-2012')
