/**
 * `value` limited to [min, max]; a non-finite value becomes `min`.
 * @example clamp(settings.speed ?? 1, 0.5, 2)
 */
export function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min;
}
