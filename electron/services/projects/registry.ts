import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { atomicWrite } from '../../formats/atomic-write';

/** The studio's own small state, outside any project: which project folders it has opened. */
interface RegistryFile {
  recent: string[];
}

export class ProjectRegistry {
  private recent: string[];
  constructor(private readonly home: string) {
    this.recent = ProjectRegistry.read(join(home, 'studio.json')).recent;
  }

  private static read(file: string): RegistryFile {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<RegistryFile>;
      return { recent: Array.isArray(parsed.recent) ? parsed.recent.filter((p): p is string => typeof p === 'string') : [] };
    } catch {
      return { recent: [] };
    }
  }

  list(): string[] {
    return [...this.recent];
  }

  has(dir: string): boolean {
    return this.recent.includes(resolve(dir));
  }

  async forget(dir: string): Promise<void> {
    const abs = resolve(dir);
    this.recent = this.recent.filter((p) => p !== abs);
    await atomicWrite(join(this.home, 'studio.json'), JSON.stringify({ recent: this.recent }, null, 2));
  }

  async remember(dir: string): Promise<void> {
    const abs = resolve(dir);
    this.recent = [abs, ...this.recent.filter((p) => p !== abs)].slice(0, 50);
    await atomicWrite(join(this.home, 'studio.json'), JSON.stringify({ recent: this.recent }, null, 2));
  }
}
