// A promise settled from outside: for code that waits on something another part will report.

export class Deferred<T> {
  readonly promise: Promise<T>;
  private settle!: (value: T) => void;
  private done = false;

  constructor() {
    this.promise = new Promise<T>((resolve) => {
      this.settle = resolve;
    });
  }

  get settled(): boolean {
    return this.done;
  }

  /** Settles once; later calls are ignored, so "first report wins" needs no bookkeeping. */
  resolve(value: T): void {
    if (this.done) return;
    this.done = true;
    this.settle(value);
  }
}
