import Fastify from 'fastify'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { sendExport } from './exports.js'

describe('sendExport', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  async function downloadAt(instant: string) {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date(instant))
    const app = Fastify()
    app.get('/download', (_request, reply) =>
      sendExport(
        reply,
        'csv',
        'gifts-and-hospitality',
        [{ header: 'Donor', value: (row: string) => row }],
        ['A'],
      ),
    )
    try {
      return await app.inject({ method: 'GET', url: '/download' })
    } finally {
      await app.close()
    }
  }

  it('dates the file by the day in London, not by the machine’s UTC day', async () => {
    // 00:30 on 27 March 2012 in London is still 26 March in UTC (British Summer Time).
    const response = await downloadAt('2012-03-26T23:30:00Z')
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="gifts-and-hospitality-2012-03-27.csv"',
    )
    expect(response.body).toBe('Donor\nA\n')
  })

  it('dates it the same day in winter, when London keeps UTC', async () => {
    const response = await downloadAt('2012-12-01T23:30:00Z')
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="gifts-and-hospitality-2012-12-01.csv"',
    )
  })
})
