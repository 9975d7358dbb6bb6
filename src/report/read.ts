import { readFile } from 'node:fs/promises'
import { ActionError } from '../errors.js'
import { ACTION_NAME } from '../constants.js'
import { reportDocumentSchema, REPORT_SCHEMA_VERSION, type ReportDocument } from './schema.js'

/**
 * Reads a report file this action wrote earlier (for a baseline or an aggregate). Anything else —
 * unreadable, not JSON, another tool's file, another schema version — is an error naming the file.
 */
export async function readReportFile(file: string): Promise<ReportDocument> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new ActionError('input', `Report file ${file} cannot be read (${code}).`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new ActionError(
      'input',
      `Report file ${file} is not JSON, so it is not a report of ${ACTION_NAME}.`
    )
  }
  const tool = (json as { tool?: { name?: unknown } } | null)?.tool?.name
  if (tool !== ACTION_NAME) {
    throw new ActionError('input', `Report file ${file} was not written by ${ACTION_NAME}.`)
  }
  const version = (json as { schemaVersion?: unknown }).schemaVersion
  if (version !== REPORT_SCHEMA_VERSION) {
    throw new ActionError(
      'input',
      `Report file ${file} has schemaVersion ${String(version)}; this version of ${ACTION_NAME} reads ${REPORT_SCHEMA_VERSION}. Re-create it with this version.`
    )
  }
  const parsed = reportDocumentSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ActionError(
      'input',
      `Report file ${file} is not a valid ${ACTION_NAME} report: ${issue.path.join('.') || 'document'}: ${issue.message}.`
    )
  }
  return parsed.data
}
