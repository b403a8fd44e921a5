// How much of a pickle's object graph the converters walk: a pickle can name one object many
// times for a few bytes each (a list holding a list twice, 40 deep, is 2⁴⁰ paths in 600 bytes),
// so every walk counts what it visits and refuses, by name, what no network needs.
import { PickleError } from './unpickle';

export const GRAPH_LIMITS = { nodes: 1_000_000, depth: 64 };

export class Walk {
  private visited = 0;
  constructor(private readonly what: string) {}
  /** Counts one node at this depth; throws where the graph is beyond any network's. */
  step(depth: number, where: string): void {
    if (++this.visited > GRAPH_LIMITS.nodes)
      throw new PickleError(
        `${this.what} names more than ${GRAPH_LIMITS.nodes.toLocaleString('en')} objects (shared references repeated, or a structure that holds itself): not a network pickle`,
      );
    if (depth > GRAPH_LIMITS.depth)
      throw new PickleError(`${where} is nested more than ${GRAPH_LIMITS.depth} levels deep (a structure that holds itself?): not a network pickle`);
  }
}
