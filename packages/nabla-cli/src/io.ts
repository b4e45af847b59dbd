// Where the nabla command writes, and what happens when writing fails. A reader that
// closes the pipe early (`nabla … | head -1`) or a full disk (`> /dev/full`) makes the
// stream emit an 'error' event later, which unhandled would print a Node stack; it is
// handled here, once, for stdout and stderr.

/** Where the command writes; `tty` says whether stdout is a terminal (for the bar). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  tty: boolean;
  /**
   * Whether Ctrl-C can stop a minimize run (the process's own Io): its runs then go to a
   * worker thread, which the signal can reach (see worker.ts).
   */
  interruptible?: boolean;
}

/**
 * What a failed write does. On stdout, a closed pipe (EPIPE) ends the process quietly
 * with status 0: the reader had all it wanted, as after `| head -1` (tools killed by
 * SIGPIPE report 141 instead; Node ignores SIGPIPE, and an early reader is not a failure
 * of ours). Anything else on stdout (ENOSPC, EIO…) is one line on stderr and status 1.
 * A failed write to stderr changes nothing: there is nowhere left to report it, and the
 * exit status still tells the outcome.
 *
 * @example
 * process.stdout.on("error", (e) => outputFailed("stdout", e));
 */
export function outputFailed(stream: "stdout" | "stderr", error: NodeJS.ErrnoException): void {
  if (stream === "stderr") return;
  if (error.code === "EPIPE") process.exit(0);
  try {
    process.stderr.write(`nabla: cannot write output: ${error.code ?? error.message}\n`);
  } catch {
    // stderr is gone too: the status says it.
  }
  process.exit(1);
}

/** Writes to a process stream; a synchronous throw goes where its 'error' event would. */
function writer(name: "stdout" | "stderr"): (text: string) => void {
  const stream = process[name];
  stream.on("error", (e) => outputFailed(name, e));
  return (text) => {
    try {
      stream.write(text);
    } catch (e) {
      outputFailed(name, e as NodeJS.ErrnoException);
    }
  };
}

let own: Io | undefined;

/**
 * The process's stdout and stderr as an Io, with their write errors handled (see
 * outputFailed) and Ctrl-C able to stop minimize runs. Made once, on first use, so that
 * merely loading the command (as the tests do) changes no process stream.
 *
 * @example
 * await main(process.argv.slice(2), processIo());
 */
export function processIo(): Io {
  own ??= { out: writer("stdout"), err: writer("stderr"), tty: process.stdout.isTTY === true, interruptible: true };
  return own;
}
