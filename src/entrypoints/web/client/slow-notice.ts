import { setText } from './dom';

export interface SlowStep {
  readonly afterMs: number;
  readonly text: string;
}

/** Shown while a request is still running, so that a slow live model reads as "working", not "broken". */
export const SAYING_SLOW_STEPS: readonly SlowStep[] = [
  { afterMs: 1500, text: 'Still thinking… a model may be writing a fresh one.' },
  { afterMs: 6000, text: 'Still working: live models can take several seconds. Hang on.' },
];

export function startSlowNotice(target: HTMLElement, steps: readonly SlowStep[]): { stop(): void } {
  const timers = steps.map((step) => setTimeout(() => setText(target, step.text), step.afterMs));
  return {
    stop() {
      for (const t of timers) clearTimeout(t);
      setText(target, '');
    },
  };
}
