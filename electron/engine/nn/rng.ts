// A small seeded random generator (sfc32) whose whole state is four integers, so that a
// checkpoint can store it and a resumed run draws exactly the numbers it would have drawn.
export type RngState = [number, number, number, number];

export class Rng {
  private s: RngState;

  constructor(seed: number | RngState) {
    if (Array.isArray(seed)) this.s = [...seed] as RngState;
    else {
      this.s = [0x9e3779b9, 0x243f6a88, 0xb7e15162, seed >>> 0];
      for (let i = 0; i < 15; i++) this.next();
    }
  }

  /** Uniform in [0, 1). */
  next(): number {
    let [a, b, c, d] = this.s;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    this.s = [a, b, c, d];
    return (t >>> 0) / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  normals(count: number, std = 1, mean = 0): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** An integer seed for tfjs ops that take one (dropout masks). */
  seed(): number {
    return Math.floor(this.next() * 2 ** 31);
  }

  state(): RngState {
    return [...this.s] as RngState;
  }

  restore(state: RngState): void {
    this.s = [...state] as RngState;
  }
}
