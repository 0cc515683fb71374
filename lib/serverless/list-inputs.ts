/**
 * Inputs of lines that never got a result, read back from the run's copy of its list
 * (`runs/<runId>/list.txt`) so that a forced close records them with their text (the failed file
 * can then be dropped back in) and their resolved pair (the next run compares them by it). One forward pass over the list, whatever the number of missing
 * lines: the shards ask for their lines in ascending order.
 */
import { parseListStream } from '../core/list-stream.js';
import type { ParsedLine } from '../core/list.js';
import type { ObjectStore } from '../ports.js';
import { formatReference } from '../core/ref.js';
import type { InputCursor, LostLine } from '../pipeline/compact.js';
import type { RunRecord } from '../pipeline/run-record.js';
import { listCopyKey } from './start-run.js';

/** A forward-only cursor over the list copy of `record`'s run. */
export function listInputs(store: ObjectStore, record: RunRecord): InputCursor {
  let lines: AsyncIterator<ParsedLine> | null | undefined;
  let current: ParsedLine | undefined;
  return {
    async inputsOf(wanted) {
      const found = new Map<number, LostLine>();
      if (lines === undefined) {
        const stream = await store.getStream(listCopyKey(record.runId));
        lines = stream ? parseListStream(stream, record.settings)[Symbol.asyncIterator]() : null;
      }
      for (const n of wanted) {
        while (lines && (!current || current.line < n)) {
          const next = await lines.next();
          if (next.done) {
            lines = null;
            break;
          }
          current = next.value;
        }
        if (current?.line !== n) continue;
        found.set(n, current.kind === 'image'
          ? { input: current.input, source: formatReference(current.source), destination: formatReference(current.destination) }
          : { input: current.input });
      }
      return found;
    },
  };
}
