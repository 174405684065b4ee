import { performance } from 'node:perf_hooks';
import type { Clock } from '../../ports/clock';

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  monotonicMs(): number {
    return performance.now();
  }
}
