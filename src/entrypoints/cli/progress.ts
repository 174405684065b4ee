import { SingleBar } from 'cli-progress';

export interface ProgressView {
  update(done: number, total: number, status: string): void;
  stop(): void;
}

/** A live bar on a terminal; on a pipe or file one plain line per change, so logs and tests can read it. */
export function progressView(stream: NodeJS.WriteStream): ProgressView {
  if (stream.isTTY) {
    const bar = new SingleBar({
      format: 'generating [{bar}] {percentage}% | {value}/{total} sayings | {status}',
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      stream,
    });
    let started = false;
    return {
      update: (done, total, status) => {
        if (!started) {
          bar.start(total, done, { status });
          started = true;
        } else bar.update(done, { status });
      },
      stop: () => bar.stop(),
    };
  }
  let last = '';
  return {
    update: (done, total, status) => {
      const line = `progress ${done}/${total} ${status}`;
      if (line === last) return;
      last = line;
      stream.write(`${line}\n`);
    },
    stop: () => undefined,
  };
}
