/**
 * `--exit-with-parent`: the emulator stops by itself once the process that started it is gone (an
 * extension host that crashed or was killed), as language servers do with their client, instead of
 * holding its ports and data dir as an orphan. Polled once a second, in real time: this is about
 * processes, not emulated time.
 */
export interface ParentWatchOptions {
  /** The parent to watch; the current parent by default. */
  ppid?: number;
  intervalMs?: number;
  /** The current parent pid (changes when an orphan is adopted by init or a subreaper). */
  currentPpid?: () => number;
  isAlive?: (pid: number) => boolean;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Calls `onGone` once when the parent has exited; returns a function that stops watching. */
export function watchParent(onGone: () => void, opts: ParentWatchOptions = {}): () => void {
  const parent = opts.ppid ?? process.ppid;
  const currentPpid = opts.currentPpid ?? (() => process.ppid);
  const isAlive = opts.isAlive ?? processAlive;
  const timer = setInterval(() => {
    if (currentPpid() === parent && isAlive(parent)) return;
    clearInterval(timer);
    onGone();
  }, opts.intervalMs ?? 1000);
  // The servers keep the process alive; the watch alone must not.
  timer.unref();
  return () => clearInterval(timer);
}
