import nunjucks from 'nunjucks'
import { describe, expect, it } from 'vitest'
import { createViewEnvironment } from './views.js'

describe('the trim filter', () => {
  const environment = createViewEnvironment()
  const render = (template: string, context: Record<string, unknown> = {}) =>
    environment.renderString(template, context)

  it('removes white space and line breaks at both ends only', () => {
    expect(render('[{{ text | trim }}]', { text: ' \n\t  two  words \r\n ' })).toBe('[two  words]')
  })

  it('keeps markup marked safe unescaped, and escapes the rest', () => {
    expect(render('{{ html | safe | trim }}', { html: '  <b>bold</b>\n' })).toBe('<b>bold</b>')
    expect(render('{{ html | trim }}', { html: '  <b>bold</b>\n' })).toBe('&lt;b&gt;bold&lt;/b&gt;')
  })

  it('renders GOV.UK macros exactly as Nunjucks’ own trim does', () => {
    // Nunjucks 3.2.4's trim filter (node_modules/nunjucks/src/filters.js): the same pattern on the text.
    const withOwnTrim = createViewEnvironment().addFilter(
      'trim',
      (text: string | nunjucks.runtime.SafeString) => {
        const trimmed = text.toString().replace(/^\s*|\s*$/g, '')
        return text instanceof nunjucks.runtime.SafeString
          ? new nunjucks.runtime.SafeString(trimmed)
          : trimmed
      },
    )
    const template = `{% from "govuk/components/table/macro.njk" import govukTable %}
      {% from "govuk/components/details/macro.njk" import govukDetails %}
      {% call govukDetails({ summaryText: "  Offers  " }) %}
        {{ govukTable({ caption: "  Gifts  ", head: [{ text: "Donor" }], rows: rows }) }}
      {% endcall %}`
    const rows = [[{ html: '\n   <a href="/x">  Acme </a>\n\t' }], [{ text: ' <b> ' }]]
    const html = render(template, { rows })
    expect(html).toContain('<a href="/x">  Acme </a>')
    expect(html).toBe(withOwnTrim.renderString(template, { rows }))
  })

  it('gives nothing for a missing value', () => {
    expect(render('[{{ missing | trim }}]')).toBe('[]')
  })
})

describe('imported macros', () => {
  it('are collected once for each template, not on every render or macro call', () => {
    const environment = createViewEnvironment()
    const template = `{% from "govuk/components/tag/macro.njk" import govukTag %}
      {% macro badge(text) %}{% from "govuk/components/tag/macro.njk" import govukTag %}{{ govukTag({ text: text }) }}{% endmacro %}
      {{ govukTag({ text: name }) }}{% for each in items %}{{ badge(each) }}{% endfor %}`
    const context = { name: 'Gifts', items: ['<b>one</b>', 'two', 'three'] }
    const first = environment.renderString(template, context)
    const tag = environment.getTemplate('govuk/components/tag/macro.njk') as unknown as {
      rootRenderFunc: (...args: unknown[]) => unknown
    }
    const collect = tag.rootRenderFunc
    let runs = 0
    tag.rootRenderFunc = (...args) => {
      runs++
      return collect(...args)
    }
    const second = environment.renderString(template, { ...context, name: 'Media' })
    expect(runs).toBe(0)
    expect(first).toContain('&lt;b&gt;one&lt;/b&gt;')
    expect(second).toContain('Media')
    expect(second).toBe(first.replace('Gifts', 'Media'))
  })
})
