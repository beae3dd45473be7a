// A virtual clock: timers run in time order when the test advances time, so keepalive, retries and
// backoff are exercised in milliseconds of real time. Implements the client's Clock interface.
interface Timer {
  at: number;
  seq: number;
  f: ((a?: any) => void) | null;
  a?: any;
}

export interface VirtualClock {
  now(): number;
  set(f: (a?: any) => void, ms: number, a?: any): Timer;
  clear(t: unknown): void;
  /** Run every timer due within `ms` from now, in order; time ends at now + ms. */
  advance(ms: number): void;
  /** Advance until `done()` holds (checked after each timer) or `limit` ms pass; true if it held. */
  until(done: () => boolean, limit: number): boolean;
  /** Timers waiting. */
  pending(): number;
}

export function virtualClock(start = 0): VirtualClock {
  let t = start;
  let seq = 0;
  const heap: Timer[] = [];
  const less = (a: Timer, b: Timer) => a.at < b.at || (a.at == b.at && a.seq < b.seq);
  function push(x: Timer) {
    heap.push(x);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  }
  function pop(): Timer {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m == i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
  let same = 0;
  function step(end: number): boolean {
    while (heap.length && !heap[0].f) pop();
    if (!heap.length || heap[0].at > end) return false;
    const x = pop();
    // A timer that keeps re-arming itself at the same instant would hang the test: fail it instead.
    same = x.at <= t ? same + 1 : 0;
    if (same > 1_000_000) throw new Error("timer spin: a million timers at t=" + t);
    t = Math.max(t, x.at);
    const f = x.f!;
    x.f = null;
    f(x.a);
    return true;
  }
  const clock: VirtualClock = {
    now: () => t,
    set(f, ms, a) {
      const x = { at: t + Math.max(0, ms || 0), seq: seq++, f, a };
      push(x);
      return x;
    },
    clear(x) {
      if (x) (x as Timer).f = null;
    },
    advance(ms) {
      const end = t + ms;
      while (step(end));
      t = end;
    },
    until(done, limit) {
      const end = t + limit;
      if (done()) return true;
      while (step(end)) if (done()) return true;
      t = end;
      return done();
    },
    pending: () => heap.filter((x) => x.f).length,
  };
  return clock;
}
