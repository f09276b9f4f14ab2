/** Ports the core needs from the outside world; the store and adapters implement them. */
import type { Domain, Webhook } from './types';

export interface DomainRepository {
  list(): Domain[];
  get(id: number): Domain | undefined;
  findByName(domainName: string): Domain | undefined;
  insert(d: Omit<Domain, 'id'>): Domain;
  update(d: Domain): void;
  delete(id: number): void;
}

export interface WebhookRepository {
  list(): Webhook[];
  get(id: number): Webhook | undefined;
  insert(w: Omit<Webhook, 'id'>): Webhook;
  update(w: Webhook): void;
  delete(id: number): void;
}

/** Runs `fn` atomically: every write inside it is durable together, or none is. */
export interface UnitOfWork {
  transaction<T>(fn: () => T): T;
  /**
   * Runs `fn` once the open transaction has committed (at once outside one); never when it rolls
   * back. For working copies in memory that must follow the store, not lead it.
   */
  afterCommit(fn: () => void): void;
  /**
   * Resolves once every transaction committed so far is durable (a store with group commit
   * writes them at the end of the event-loop turn). Absent: `transaction` returns durable.
   * `upTo` (a `commitMark`): only the transactions committed before that mark.
   */
  durable?(upTo?: number): Promise<void>;
  /** A mark of the transactions committed so far, for `durable(upTo)`. */
  commitMark?(): number;
}

/** Work put off until the process is quiet (the store: no transaction committed for a moment, real time). */
export interface QuietTime {
  /**
   * Run `task` once quiet, and again each quiet turn while it returns true (more left): a task
   * does a slice of its work a turn, so that a request arriving meanwhile waits for one slice.
   * A task already waiting is not added twice; tasks are dropped when the store closes.
   */
  whenQuiet(task: () => boolean, quietMs?: number): void;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(component: string): Logger;
}

/** Randomness is a port too, so tests can pin ids and secrets. */
export interface Random {
  uuid(): string;
  hex(bytes: number): string;
}
