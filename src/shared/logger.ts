/** Where the library reports what it cannot throw: a failing listener, a failed background write. */
export interface Logger {
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}
