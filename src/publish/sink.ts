import type { Outcome } from '../outcome.js'

/** Outputs a sink adds, by output name. */
export type SinkOutputs = Record<string, string>

/** Somewhere the outcome goes: the outputs, the report file, the job summary, annotations, … */
export interface Sink {
  /** What it writes, for the warning when it cannot. */
  readonly name: string
  /**
   * True when the run cannot succeed without it (the report file, contract §13): its failure turns
   * the result into `error`. Any other sink that fails is a warning, and the verdict stands.
   */
  readonly required?: boolean
  /** Writes the outcome; may return step outputs of its own (a check run's URL), written with the others. */
  write(outcome: Outcome): Promise<SinkOutputs | void> | SinkOutputs | void
}
