// The small shell and coreutils a simulated container runs for `pods/exec` (exec.ts): `sh`
// (interactive on a tty with a prompt and line editing, `sh -c`, or a script read from stdin) and
// `ls cat env echo ps pwd whoami id hostname true false` run directly or from the shell. The
// filesystem is a model: the files the caller lists (/etc/hostname, /etc/passwd, mounted Secrets and
// ConfigMaps) and the directories above them. A container app (http-apps.ts `ContainerApp.exec`) may
// add commands. Not modelled (said so to the user, never faked): pipes, redirections, background
// jobs, command substitution, writing files.
import { StringDecoder } from "node:string_decoder";
import type { ContainerApp, ExecContext, ExecIO } from "./http-apps";

export interface ShellContext extends ExecContext {
  /** The process's uid and user name (the image model's user, or the pod's runAsUser). */
  uid: number;
  user: string;
  hostname: string;
  /** Command line of the container's main process (PID 1). */
  mainProcess: string;
  /** Regular files: absolute path → content. Their parent directories exist. */
  files: Record<string, string>;
  /** Directories that exist even when empty (the image's top level, mount paths). */
  dirs: string[];
  app: ContainerApp | null;
}

export interface ExecOptions {
  tty: boolean;
  /** Whether a stdin stream is attached (without one, `sh` reads end-of-file at once). */
  stdin: boolean;
}

/** A started command: what the connection feeds into it. */
export interface ExecProcess {
  stdin(data: Buffer): void;
  stdinEnd(): void;
  /** The connection closed: stop without writing anything. */
  kill(): void;
}

/** Thrown when argv[0] is not an executable of the image (the runtime's error, not the command's). */
export class ExecNotFound extends Error {
  constructor(readonly command: string) {
    super(
      `OCI runtime exec failed: exec failed: unable to start container process: exec: "${command}": executable file not found in $PATH: unknown`,
    );
  }
}

const BASE_DIRS = ["/bin", "/dev", "/etc", "/home", "/proc", "/root", "/run", "/sys", "/tmp", "/usr", "/var"];
const PROGRAMS = ["cat", "echo", "env", "false", "hostname", "id", "ls", "ps", "pwd", "sh", "true", "whoami"];
/** A lone `|` or `&`, a redirection, a backquote or `$(`: what the model does not run. */
const UNSUPPORTED = /(^|[^|])\|(?!\|)|(^|[^&])&(?!&)|[<>`]|\$\(/;

const programName = (p: string) => (/^\/(usr\/)?bin\/[a-z]+$/.test(p) ? p.slice(p.lastIndexOf("/") + 1) : p);

/** Normalizes `path` against `cwd` (handles `.`, `..`, repeated slashes). */
export function resolvePath(cwd: string, path: string): string {
  const parts = (path.startsWith("/") ? path : `${cwd}/${path}`).split("/");
  const out: string[] = [];
  for (const p of parts) {
    if (!p || p === ".") continue;
    if (p === "..") out.pop();
    else out.push(p);
  }
  return `/${out.join("/")}`;
}

class FileTree {
  private readonly dirs = new Set<string>(["/"]);
  constructor(
    private readonly files: Record<string, string>,
    dirs: string[],
  ) {
    for (const d of [...BASE_DIRS, ...dirs, ...Object.keys(files)]) {
      const path = resolvePath("/", d);
      for (let p = path.slice(0, path.lastIndexOf("/")); p; p = p.slice(0, p.lastIndexOf("/")))
        this.dirs.add(p);
      if (!(path in files)) this.dirs.add(path);
    }
  }
  isDir(p: string): boolean {
    return this.dirs.has(p);
  }
  read(p: string): string | undefined {
    return this.files[p];
  }
  list(dir: string): string[] {
    const pre = dir === "/" ? "/" : `${dir}/`;
    const names = new Set<string>();
    for (const p of [...this.dirs, ...Object.keys(this.files)])
      if (p.startsWith(pre) && p !== dir) names.add(p.slice(pre.length).split("/")[0]!);
    return [...names].sort();
  }
}

/** A word's pieces: literal text and `$NAME` references, expanded when the word's command runs. */
type Word = (string | { ref: string })[];
type Token = { word: Word } | { op: ";" | "&&" | "||" };

/** Splits a command line into words and `; && ||`, removing quotes; `$VAR`, `${VAR}`, `$?` stay references. */
function tokenize(line: string): Token[] | { error: string } {
  const out: Token[] = [];
  let word: Word | undefined;
  let i = 0;
  const push = () => {
    if (word !== undefined) out.push({ word });
    word = undefined;
  };
  const text = (t: string) => {
    word ??= [];
    word.push(t);
  };
  const ref = () => {
    const m =
      /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(line.slice(i)) ??
      /^\$([A-Za-z_][A-Za-z0-9_]*|\?)/.exec(line.slice(i));
    word ??= [];
    if (!m) {
      i++;
      word.push("$");
      return;
    }
    i += m[0].length;
    word.push({ ref: m[1]! });
  };
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === " " || ch === "\t") {
      push();
      i++;
    } else if (ch === "#" && word === undefined) break;
    else if (ch === ";" || line.startsWith("&&", i) || line.startsWith("||", i)) {
      push();
      const op = ch === ";" ? ";" : (line.slice(i, i + 2) as "&&" | "||");
      out.push({ op });
      i += op.length;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { error: "sh: syntax error: unterminated quoted string" };
      text(line.slice(i + 1, end));
      i = end + 1;
    } else if (ch === '"') {
      text("");
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === "\\" && /["\\$]/.test(line[i + 1] ?? "")) {
          text(line[i + 1]!);
          i += 2;
        } else if (line[i] === "$") ref();
        else text(line[i++]!);
      }
      if (i >= line.length) return { error: "sh: syntax error: unterminated quoted string" };
      i++;
    } else if (ch === "\\") {
      text(line[i + 1] ?? "");
      i += 2;
    } else if (ch === "$") ref();
    else {
      text(ch);
      i++;
    }
  }
  push();
  return out;
}

/**
 * Starts `argv` in the container. Throws ExecNotFound when argv[0] is not a program of the image.
 * `onExit` is called once with the exit status (unless the process is killed).
 */
export function startExec(
  argv: string[],
  ctx: ShellContext,
  opts: ExecOptions,
  io: ExecIO,
  onExit: (code: number) => void,
): ExecProcess {
  const prog = programName(argv[0] ?? "");
  if (!PROGRAMS.includes(prog) && !ctx.app?.exec?.handles(prog)) throw new ExecNotFound(argv[0] ?? "");
  // On a terminal the line discipline turns "\n" into "\r\n" (termios ONLCR).
  const nl = (s: string) => (opts.tty ? s.replace(/\r?\n/g, "\r\n") : s);
  const term: ExecIO = { out: (s) => io.out(nl(s)), err: (s) => io.err(nl(s)) };
  const fs = new FileTree(ctx.files, ctx.dirs);
  const vars: Record<string, string> = {
    ...ctx.env,
    ...(opts.tty && !ctx.env.TERM ? { TERM: "xterm" } : {}),
  };
  let cwd = "/";
  let status = 0;
  let killed = false;
  let done = false;
  const kill = () => {
    killed = true;
  };
  const finish = (code: number) => {
    if (done || killed) return;
    done = true;
    onExit(code);
  };

  const run = async (words: string[], inShell: boolean): Promise<number> => {
    const [cmd0 = "", ...args] = words;
    const cmd = programName(cmd0);
    switch (cmd) {
      case "echo": {
        const noNl = args[0] === "-n";
        term.out((noNl ? args.slice(1) : args).join(" ") + (noNl ? "" : "\n"));
        return 0;
      }
      case "true":
        return 0;
      case "false":
        return 1;
      case "pwd":
        term.out(`${cwd}\n`);
        return 0;
      case "hostname":
        term.out(`${ctx.hostname}\n`);
        return 0;
      case "whoami":
        term.out(`${ctx.user}\n`);
        return 0;
      case "id":
        term.out(`uid=${ctx.uid}(${ctx.user}) gid=${ctx.uid}(${ctx.user}) groups=${ctx.uid}(${ctx.user})\n`);
        return 0;
      case "env":
        if (args.length) {
          term.err("env: running a command is not supported by the simulator's shell\n");
          return 125;
        }
        term.out(
          Object.entries(inShell ? { ...vars, PWD: cwd } : vars)
            .map(([k, v]) => `${k}=${v}\n`)
            .join(""),
        );
        return 0;
      case "ps": {
        // PID 1 is the container's process; the shell and ps itself come later.
        const row = (pid: number, cmd: string) =>
          `${String(pid).padStart(5)} ${ctx.user.padEnd(8)}  0:00 ${cmd}\n`;
        term.out(
          `  PID USER      TIME  COMMAND\n${row(1, ctx.mainProcess)}${inShell ? row(7, "sh") : ""}${row(inShell ? 13 : 7, ["ps", ...args].join(" "))}`,
        );
        return 0;
      }
      case "ls": {
        const targets = args.filter((a) => !a.startsWith("-"));
        let code = 0;
        const blocks: string[] = [];
        for (const t of targets.length ? targets : ["."]) {
          const p = resolvePath(cwd, t);
          if (fs.isDir(p)) {
            const names = fs.list(p);
            const body = names.length ? `${names.join(opts.tty ? "  " : "\n")}\n` : "";
            blocks.push(targets.length > 1 ? `${t}:\n${body}` : body);
          } else if (fs.read(p) !== undefined) blocks.push(`${t}\n`);
          else {
            term.err(`ls: cannot access '${t}': No such file or directory\n`);
            code = 2;
          }
        }
        term.out(blocks.join(targets.length > 1 ? "\n" : ""));
        return code;
      }
      case "cat": {
        if (!args.length) {
          term.err("cat: reading standard input is not supported by the simulator's shell\n");
          return 1;
        }
        let code = 0;
        for (const a of args) {
          const p = resolvePath(cwd, a);
          const content = fs.read(p);
          if (content !== undefined) term.out(content);
          else {
            term.err(`cat: ${a}: ${fs.isDir(p) ? "Is a directory" : "No such file or directory"}\n`);
            code = 1;
          }
        }
        return code;
      }
      case "cd": {
        if (!inShell) break;
        const p = resolvePath(cwd, args[0] ?? vars.HOME ?? "/");
        if (!fs.isDir(p)) {
          term.err(`sh: cd: can't cd to ${args[0]}: No such file or directory\n`);
          return 2;
        }
        cwd = p;
        return 0;
      }
      case "export":
        if (!inShell) break;
        for (const a of args) {
          const eq = a.indexOf("=");
          if (eq > 0) vars[a.slice(0, eq)] = a.slice(eq + 1);
        }
        return 0;
    }
    const own = ctx.app?.exec?.handles(cmd) ? await ctx.app.exec.run(words, term, ctx) : undefined;
    if (own !== undefined) return own;
    term.err(`sh: ${cmd0}: not found\n`);
    return 127;
  };

  /** Runs one line of shell; resolves with `exit`'s code when the line ends the shell. */
  const runLine = async (line: string): Promise<number | undefined> => {
    if (UNSUPPORTED.test(line.replace(/'[^']*'/g, ""))) {
      term.err(
        "sh: pipes, redirections, background jobs and $(...) are not supported by the simulator's shell\n",
      );
      status = 2;
      return undefined;
    }
    const toks = tokenize(line);
    if ("error" in toks) {
      term.err(`${toks.error}\n`);
      status = 2;
      return undefined;
    }
    let skip = false;
    let words: Word[] = [];
    const flush = async (): Promise<number | undefined> => {
      const w = words.map((parts) =>
        parts
          .map((p) => (typeof p === "string" ? p : p.ref === "?" ? String(status) : (vars[p.ref] ?? "")))
          .join(""),
      );
      words = [];
      if (!w.length || skip) return undefined;
      if (w[0] === "exit") {
        const n = w[1] === undefined ? status : Number(w[1]);
        if (!/^\d+$/.test(w[1] ?? "0")) {
          term.err(`sh: exit: Illegal number: ${w[1]}\n`);
          status = 2;
          return undefined;
        }
        return n & 255;
      }
      const assign = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(w[0]!);
      if (assign && w.length === 1) {
        vars[assign[1]!] = assign[2]!;
        status = 0;
      } else status = await run(w, true);
      return undefined;
    };
    for (const t of toks) {
      if ("word" in t) {
        words.push(t.word);
        continue;
      }
      const exit = await flush();
      if (exit !== undefined) return exit;
      skip = (t.op === "&&" && status !== 0) || (t.op === "||" && status === 0);
    }
    return flush();
  };

  const shArgs = argv.slice(1);
  if (prog !== "sh") {
    void run(argv, false).then(finish);
    return { stdin() {}, stdinEnd() {}, kill };
  }
  if (shArgs[0] === "-c") {
    if (shArgs[1] === undefined) {
      term.err("sh: -c requires an argument\n");
      queueMicrotask(() => finish(2));
    } else void runLine(shArgs[1]).then((exit) => finish(exit ?? status));
    return { stdin() {}, stdinEnd() {}, kill };
  }
  if (shArgs.length) {
    term.err(`sh: can't open '${shArgs[0]}': No such file or directory\n`);
    queueMicrotask(() => finish(2));
    return { stdin() {}, stdinEnd() {}, kill };
  }

  // Reading commands: a terminal with prompt and line editing, or a script on stdin. Input is handled
  // in order, one chunk after the other's commands ran, as the shell reads only between commands.
  const prompt = () => term.out(`${cwd} ${ctx.uid === 0 ? "#" : "$"} `);
  const decoder = new StringDecoder("utf8");
  let line = "";
  let inEscape = false;
  let busy = Promise.resolve();
  const stopped = () => done || killed;
  /** Runs a line; false when it ended the shell. */
  const runAndContinue = async (l: string): Promise<boolean> => {
    const exit = await runLine(l);
    if (exit === undefined) return true;
    finish(exit);
    return false;
  };
  const feed = async (text: string) => {
    if (!opts.tty) {
      line += text;
      for (let at = line.indexOf("\n"); at >= 0 && !stopped(); at = line.indexOf("\n")) {
        const l = line.slice(0, at);
        line = line.slice(at + 1);
        if (!(await runAndContinue(l))) return;
      }
      return;
    }
    for (const ch of text) {
      if (stopped()) return;
      if (inEscape) {
        // CSI sequences (arrow keys…) end with a letter or `~`; the model has no history or cursor.
        if (/[A-Za-z~]/.test(ch)) inEscape = false;
      } else if (ch === "\x1b") inEscape = true;
      else if (ch === "\r" || ch === "\n") {
        io.out("\r\n");
        const l = line;
        line = "";
        if (!(await runAndContinue(l))) return;
        prompt();
      } else if (ch === "\x7f" || ch === "\b") {
        if (line) {
          line = line.slice(0, -1);
          io.out("\b \b");
        }
      } else if (ch === "\x03") {
        io.out("^C\r\n");
        line = "";
        status = 130;
        prompt();
      } else if (ch === "\x15") {
        io.out("\b \b".repeat(line.length));
        line = "";
      } else if (ch === "\x04") {
        if (!line) return finish(status);
      } else if (ch >= " ") {
        line += ch;
        io.out(ch);
      }
    }
  };
  if (opts.tty) prompt();
  if (!opts.stdin) queueMicrotask(() => finish(0));
  return {
    stdin(data) {
      const text = decoder.write(data);
      busy = busy.then(() => (stopped() ? undefined : feed(text)));
    },
    stdinEnd() {
      busy = busy.then(async () => {
        // A last line without a newline still runs (a script's end); a terminal's partial line does not.
        if (!stopped() && !opts.tty && line && !(await runAndContinue(line))) return;
        finish(status);
      });
    },
    kill,
  };
}
