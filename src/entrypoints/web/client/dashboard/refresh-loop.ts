/**
 * Runs a task now and then every `intervalMs` after it ends, never two at once, and not while the tab is
 * hidden (it catches up as soon as the tab is visible again).
 */
export function startRefreshLoop(task: () => Promise<void>, intervalMs: number): { runNow(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;

  const schedule = (): void => {
    clearTimeout(timer);
    if (!document.hidden) timer = setTimeout(run, intervalMs);
  };

  function run(): void {
    clearTimeout(timer);
    if (running) {
      again = true;
      return;
    }
    running = true;
    task()
      .catch(() => undefined)
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          run();
        } else {
          schedule();
        }
      });
  }

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) clearTimeout(timer);
    else run();
  });
  run();
  return { runNow: run };
}
