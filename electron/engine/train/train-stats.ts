// Training statistics reported by name from anywhere in a step — a loss term, R1's penalty, the
// sign of D's real logits — and collected by the loop once the step is done, as one mean per name
// for the tick (run_metrics keeps them per step; the run view charts them). A tensor reported is
// kept until then, so a step need not read it back itself (reading would stall the backend).
import * as tf from '../tf';

const pending = new Map<string, (tf.Scalar | number)[]>();

/**
 * Names as NVIDIA's trainer writes them where there is a counterpart: `Loss/D`, `Loss/r1`,
 * `Loss/pl`, `D/signs`, `ADA/p`, `Timing/step_s`.
 */
export function reportStat(name: string, value: tf.Scalar | number): void {
  pending.set(name, [...(pending.get(name) ?? []), typeof value === 'number' ? value : tf.keep(value)]);
}

/** Every statistic reported since the last call, as its mean over the reports; the tensors are released. */
export async function collectStats(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const entries = [...pending.entries()];
  pending.clear();
  for (const [name, values] of entries) {
    let sum = 0;
    for (const v of values) {
      if (typeof v === 'number') sum += v;
      else {
        sum += (await v.data())[0]!;
        v.dispose();
      }
    }
    out[name] = sum / values.length;
  }
  return out;
}
