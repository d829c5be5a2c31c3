// Keeping V8 object shapes alive between files.

const kept: unknown[] = [];

/**
 * Keeps `objects` for good. A class's instance shape (V8 map) lives only while an instance does, and
 * optimized code that embeds it is thrown away when the shape dies: after a full garbage collection
 * between two files, the parsers and readers would run unoptimized again. One small instance of each
 * class, kept, keeps the shapes (and the code).
 */
export function keepShapes(...objects: unknown[]): void {
  kept.push(...objects);
}
