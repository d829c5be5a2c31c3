// The server's log, by level: the client shows it in its output channel (a LogOutputChannel, levels kept).

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
