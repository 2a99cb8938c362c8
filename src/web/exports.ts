import type { FastifyReply } from 'fastify'
import { londonToday } from '../domain/fields.js'
import { type Column, toCsv, toXlsx } from '../spreadsheets/write.js'

export type ExportFormat = 'csv' | 'xlsx'

/** Sends records as a downloaded CSV or XLSX file named `<name>-<date>.<format>`, dated as in London. */
export async function sendExport<Record>(
  reply: FastifyReply,
  format: ExportFormat,
  name: string,
  columns: Column<Record>[],
  records: Record[],
): Promise<FastifyReply> {
  const filename = `${name}-${londonToday(new Date())}.${format}`
  reply.header('content-disposition', `attachment; filename="${filename}"`)
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(columns, records))
  return reply
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .send(await toXlsx(name, columns, records))
}
