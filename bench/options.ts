import { InvalidArgumentError } from 'commander';

/** A commander option parser for a whole number ≥ min (the benches' counts, rates and sizes). */
export const int = (min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}`);
  return n;
};
