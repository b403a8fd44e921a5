// One command of `leporello`: its name (one or two words), its usage and what it does, and the
// function that runs it. Each lives in a file of its own; index.ts is the table of them.

export interface Out {
  /** --json: one JSON document on stdout instead of text. */
  json: boolean;
}

export interface Command {
  /** 'train', or two words: 'project create', 'render video'. */
  name: string;
  /** The arguments after the name, e.g. '<project> --dataset D --arch A [options]'. */
  usage: string;
  /** What it does, in a sentence or two. */
  summary: string;
  /** Help for each option, one line each ("--batch-size N  Images per step…"), shown by `leporello help NAME`. */
  options?: () => string[];
  run(args: string[], out: Out): Promise<void>;
}
