import type { FlagInput } from '@gantry/plugin-gantry-common';

interface SegmentInput {
  rule: Record<string, unknown>;
  description?: string;
}

/** One change to a flag set, as requested and as applied after approval. */
export type Proposal =
  | { target: 'flag'; operation: 'upsert'; key: string; input: FlagInput }
  | { target: 'flag'; operation: 'delete'; key: string }
  /** Lifts the kill switch: the flag serves its authored definition again. */
  | { target: 'flag'; operation: 'restore'; key: string }
  | { target: 'segment'; operation: 'upsert'; key: string; input: SegmentInput }
  | { target: 'segment'; operation: 'delete'; key: string };
