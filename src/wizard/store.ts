/**
 * The wizard's store: holds the state, applies the pure reducer, and runs the effects the
 * reducer cannot: loading engine facts for the current step (in data-flow order, aborting
 * stale work), saving the session after every change, and writing recipe.json on every accept.
 */
import { describeError } from '../engine/errors.js';
import type { WizardEngine } from './engine-api.js';
import { contextOf, factsFresh, reduce } from './reducer.js';
import { stepIndex, WIZARD_STEPS } from './steps.js';
import type { FactKey, Session, WizardAction, WizardState } from './types.js';

export interface StoreOptions {
  /** Persist the session (saveSession in the app; an in-memory fake in tests). */
  save: (session: Session) => Promise<unknown>;
  /** Errors of saving or recipe writing, shown to the user as a message. */
  onError?: (err: unknown) => void;
}

const LABELS: Record<FactKey, string> = {
  scan: 'Reading the folder',
  subset: 'Picking representative images',
  qc: 'Checking image quality',
  preprocess: 'Previewing the clean-up',
  objects: 'Finding nuclei on the subset',
  statistics: 'Computing the pilot statistics',
  run: 'Writing the results',
};

export class WizardStore {
  private current: WizardState;
  private readonly listeners = new Set<(s: WizardState) => void>();
  private work: { fact: FactKey; key: string; abort: AbortController } | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  private closedResolve!: (s: WizardState) => void;
  /** Resolves when the user quits or finishes, after the session was saved. */
  readonly closed: Promise<WizardState>;

  constructor(
    private readonly engine: WizardEngine,
    initial: WizardState,
    private readonly opts: StoreOptions,
  ) {
    this.current = initial;
    this.closed = new Promise((r) => {
      this.closedResolve = r;
    });
  }

  get state(): WizardState {
    return this.current;
  }

  subscribe(fn: (s: WizardState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Start: load what the current step needs. */
  start(): void {
    // the initial state may already be 'loading' (see initialState): load what it waits for
    if (this.ensureFacts() || this.current.phase !== 'loading') return;
    const { session, facts, catalog, ui } = this.current;
    this.current = { phase: 'step', session, facts, catalog, ui };
    for (const l of this.listeners) l(this.current);
  }

  dispatch = (action: WizardAction): void => {
    const prev = this.current;
    this.current = reduce(prev, action);
    this.effects(prev, action);
    // listeners see the state after effects started (never a transient 'step' between two loads)
    if (this.current !== prev) for (const l of this.listeners) l(this.current);
  };

  /** Wait for pending session/recipe writes (tests, exit). */
  async flush(): Promise<void> {
    await this.writes;
  }

  private queue(fn: () => Promise<unknown>): void {
    this.writes = this.writes.then(fn).catch((err) => this.opts.onError?.(err));
  }

  private effects(prev: WizardState, action: WizardAction | undefined): void {
    const s = this.current;
    if (s.session !== prev.session || action?.type === 'quit') {
      const session = s.session;
      this.queue(() => this.opts.save(session));
    }
    if (action?.type === 'accept' && s.session.step !== prev.session.step) {
      const ctx = contextOf(s);
      this.queue(() => this.engine.writeRecipe(ctx));
    }
    if (s.phase === 'quit' || s.phase === 'finished') {
      this.work?.abort.abort();
      this.work = undefined;
      void this.writes.then(() => this.closedResolve(s));
      return;
    }
    if (this.work && (s.phase !== 'loading' || s.fact !== this.work.fact)) {
      this.work.abort.abort();
      this.work = undefined;
    }
    if (s.phase === 'step') this.ensureFacts();
  }

  /** Load the first stale fact among the steps up to the current one, in data-flow order. */
  private ensureFacts(): boolean {
    const s = this.current;
    const upto = stepIndex(s.session.step);
    for (const spec of WIZARD_STEPS.slice(0, upto + 1)) {
      if (!spec.loads || !spec.inputs || factsFresh(s, spec.id)) continue;
      this.load(spec.loads, spec.inputs(contextOf(s)));
      return true;
    }
    return false;
  }

  private load(fact: FactKey, key: string): void {
    const abort = new AbortController();
    this.work = { fact, key, abort };
    this.dispatch({ type: 'loadStart', fact, label: LABELS[fact] });
    const ctx = contextOf(this.current);
    const o = {
      signal: abort.signal,
      onProgress: (p: { done: number; total: number; label?: string }) =>
        !abort.signal.aborted && this.dispatch({ type: 'progress', ...p }),
    };
    const e = this.engine;
    const job: Promise<unknown> =
      fact === 'scan'
        ? e.scan(ctx, o)
        : fact === 'subset'
          ? e.subset(ctx, o)
          : fact === 'qc'
            ? e.qc(ctx, o)
            : fact === 'preprocess'
              ? e.preprocess(ctx, o)
              : fact === 'objects'
                ? e.objects(ctx, o)
                : fact === 'statistics'
                  ? e.statistics(ctx, o)
                  : e.run(ctx, o);
    job.then(
      (value) => {
        if (abort.signal.aborted || this.work?.abort !== abort) return;
        this.work = undefined;
        this.dispatch({ type: 'loaded', fact, value: { key, value } } as WizardAction);
      },
      (err: unknown) => {
        if (abort.signal.aborted || this.work?.abort !== abort) return;
        this.work = undefined;
        this.dispatch({ type: 'failed', fact, error: describeError(err) });
      },
    );
  }
}
