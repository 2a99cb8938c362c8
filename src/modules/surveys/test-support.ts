import type { SurveyDefinitionInput } from './definition.js'

/** A small survey: "is corruption a problem?" in 2011, reworded (and mapped) in 2012. Minimum base 3. */
export const SMALL_SURVEY: SurveyDefinitionInput = {
  code: 'small',
  name: 'Small test survey',
  minimumBase: 3,
  questionnaires: [
    {
      version: 1,
      questions: [
        {
          code: 'q_problem',
          text: 'Is corruption a problem?',
          options: [
            { code: 'yes', label: 'Yes' },
            { code: 'no', label: 'No' },
            { code: 'dk', label: 'Don’t know' },
          ],
          headline: { label: 'think corruption is a problem', options: ['yes'] },
        },
      ],
    },
    {
      version: 2,
      questions: [
        {
          code: 'q2_problem',
          trend: 'q_problem',
          text: 'To what extent is corruption a problem?',
          options: [
            { code: 'y', label: 'Yes', trend: 'yes' },
            { code: 'n', label: 'No', trend: 'no' },
            { code: 'dk', label: 'Don’t know' },
          ],
          headline: { label: 'think corruption is a problem', options: ['y'] },
        },
      ],
    },
  ],
  waves: [
    {
      code: 'w1',
      label: 'First wave',
      fieldworkFrom: '2011-06-01',
      questionnaireVersion: 1,
      strata: 'force',
    },
    {
      code: 'w2',
      label: 'Second wave',
      fieldworkFrom: '2012-04-01',
      questionnaireVersion: 2,
      strata: 'force',
    },
  ],
}

// Wave 1: Cheshire and Cleveland are in the Northern region, Kent in London/South East. Kent's fourth
// respondent did not answer, so is outside the question's base.
export const WAVE_1 = `respondent,stratum,weight,q_problem
1,cheshire,1,yes
2,cheshire,2,no
3,Cheshire Constabulary,1,YES
4,cleveland,3,yes
5,cleveland,1,dk
6,kent,2,no
7,kent,2,no
8,kent,4,yes
9,kent,5,
`
export const WAVE_2 = `stratum,weight,q2_problem
cheshire,1,y
cheshire,1,y
cheshire,1,n
cheshire,1,n
kent,2,y
kent,2,n
kent,2,n
kent,2,n
`
