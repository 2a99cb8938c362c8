/**
 * The HM Inspector a sentence of a press release names, and the region they inspect (the facts `hmi` and
 * `hmiRegion`).
 */

const TITLE =
  "(?:(?:Her|His)\\s+Majesty's\\s+|HM\\s+|HMI\\s+)?(?:Chief\\s+)?Inspector\\s+of\\s+Constabulary|\\bHMI\\b|\\bHMCIC\\b"
const NAME_WORD = "\\p{Lu}[\\p{L}'-]*"
const NAME = `(?:(?:Sir|Dame|Dr|Mr|Mrs|Ms|Miss|Professor|Lord|Lady)\\s+)?${NAME_WORD}(?:\\s+${NAME_WORD}){1,4}`
const REGION = '(?:for|of)\\s+(?:the\\s+)?(?<region>[^,.:;]*?\\b(?:[Rr]egion|[Tt]eam)\\b|[^,.:;]+?(?=\\s*,))'
const HMI_TITLE_FIRST = new RegExp(
  `(?:${TITLE})(?:\\s+${REGION})?\\s*,?\\s+(?<name>${NAME})(?=\\s*(?:,|:|\\.|$|\\s(?:said|says|commented|added|stated|led|who)\\b))`,
  'u',
)
const HMI_NAME_FIRST = new RegExp(
  `(?<name>${NAME})\\s*,\\s*(?:${TITLE})(?:\\s+${REGION})?\\s*(?:,|\\.|:|$|\\s+(?:said|says|commented|added))`,
  'u',
)
const HMI_NO_NAME = new RegExp(`(?:${TITLE})\\s+${REGION}`, 'u')

/** "Roger Baker QPM" → "Roger Baker": letters after the name (honours) are not part of it. */
function cleanName(name: string): string {
  const words = name.trim().split(/\s+/)
  while (words.length > 2 && /^[A-Z]{2,5}$/.test(words.at(-1) as string)) words.pop()
  return words.join(' ')
}

interface HmiFound {
  hmi: string | null
  region: string | null
}

export function findHmi(sentence: string): HmiFound | null {
  for (const pattern of [HMI_TITLE_FIRST, HMI_NAME_FIRST]) {
    const match = pattern.exec(sentence)
    if (match?.groups?.name) {
      const name = cleanName(match.groups.name)
      // "The inspection was led by Roger Baker": the name must not start with a sentence word.
      if (/^(The|This|It|In|HMIC|He|She)\s/.test(name)) continue
      return { hmi: name, region: match.groups.region?.trim() || null }
    }
  }
  const region = HMI_NO_NAME.exec(sentence)
  if (region?.groups?.region) return { hmi: null, region: region.groups.region.trim() }
  return null
}
