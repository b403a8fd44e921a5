// Named variables of one network pair. Names are hierarchical ("G/up1/conv/w"), so a prefix
// selects what an optimiser may change and a checkpoint is a flat name → tensor table.
import * as tf from '../tf';

let instances = 0;

export class Params {
  readonly vars = new Map<string, tf.Variable>();
  /** tfjs wants variable names unique in the process; two models (a fork, a comparison) coexist. */
  private readonly scope = `m${++instances}`;
  /** Latest queued value per variable; superseded values are kept until the step ends. */
  private pending = new Map<tf.Variable, tf.Tensor>();
  private superseded: tf.Tensor[] = [];
  /** State added to a family after checkpoints of it existed: an older checkpoint without it keeps the initial value. */
  readonly addedLater = new Set<string>();

  add(name: string, value: tf.Tensor, trainable = true, options: { addedLater?: boolean } = {}): tf.Variable {
    if (this.vars.has(name)) throw new Error(`parameter ${name} defined twice`);
    if (options.addedLater) this.addedLater.add(name);
    const v = tf.variable(value, trainable, `${this.scope}/${name.replace(/[^A-Za-z0-9_.\-/]/g, '_')}`);
    value.dispose();
    this.vars.set(name, v);
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v;
  }

  /** The trainable variables whose names start with the prefix ("G/" or "D/"). */
  trainable(prefix: string): tf.Variable[] {
    return [...this.vars].filter(([n, v]) => n.startsWith(prefix) && v.trainable).map(([, v]) => v);
  }

  /**
   * Running statistics (batch norm) are computed inside a gradient step but may not be assigned
   * there; they are queued and applied once the step is done. A layer applied to two batches in
   * one step (D on real, then on fake) chains its updates through `current`.
   */
  queue(target: tf.Variable, value: tf.Tensor): void {
    const previous = this.pending.get(target);
    if (previous) this.superseded.push(previous);
    this.pending.set(target, tf.keep(value));
  }

  /** The value a queued variable will have once the step ends. */
  current(target: tf.Variable): tf.Tensor {
    return this.pending.get(target) ?? target;
  }

  applyQueued(): void {
    for (const [target, value] of this.pending) target.assign(value);
    this.discardQueued();
  }

  /** Drops the queued updates, all of them or those of the variables whose names start with `prefix`. */
  discardQueued(prefix?: string): void {
    if (prefix !== undefined) {
      for (const [name, v] of this.vars) {
        const value = name.startsWith(prefix) ? this.pending.get(v) : undefined;
        if (value) {
          value.dispose();
          this.pending.delete(v);
        }
      }
      return;
    }
    for (const value of [...this.pending.values(), ...this.superseded]) value.dispose();
    this.pending.clear();
    this.superseded = [];
  }

  dispose(): void {
    this.discardQueued();
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
