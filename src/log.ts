import * as core from '@actions/core'
import { plain } from './text.js'

/**
 * Everything the action prints goes through here, so text that came from an API can never start
 * a workflow command or break a line.
 */
export interface Logger {
  info(message: string): void
  warning(message: string): void
  notice(message: string): void
  debug(message: string): void
}

export const actionsLogger: Logger = {
  info: message => core.info(plain(message, 4000)),
  warning: message => core.warning(plain(message, 4000)),
  notice: message => core.notice(plain(message, 4000)),
  debug: message => core.debug(plain(message, 4000))
}
