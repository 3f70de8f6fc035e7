// The postgres image model's program: a real PostgreSQL engine (PGlite, PostgreSQL compiled to
// WebAssembly) whose data directory is the container's PGDATA on the simulator's disk, so a
// database on a PersistentVolumeClaim outlives its pod, and one in the writable layer goes with it.
// What the image's entrypoint does is followed (docker-library/postgres docker-entrypoint.sh,
// bitnami/containers postgresql's libpostgresql.sh): on an empty PGDATA it needs a superuser
// password (or trust), runs initdb, creates the superuser POSTGRES_USER (default postgres) with
// that password and the database POSTGRES_DB (default: the user's name); on an initialized PGDATA
// the env no longer matters. Clients authenticate as pg_hba `scram-sha-256` does: against the
// SCRAM verifier PostgreSQL stored in pg_authid. One engine per running container, opened on the
// first connection and closed when the container stops.
// A PGDATA that is not empty but holds no cluster makes initdb exit (e.g. files left on a volume).
// Not modelled: sessions as non-superuser roles (every query runs as the engine's superuser), the
// `lost+found` a fresh ext4 volume has (volumes here start empty).
import { createHash, createHmac, pbkdf2Sync, timingSafeEqual } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { type AppContext, type ContainerApp, type PostgresPeer, registerApp } from "../http-apps";

interface Flavor {
  userVar: string;
  passwordVar: string;
  dbVar: string;
  defaultDb(user: string): string;
  dataDir(env: Record<string, string>): string;
  /** The password may be empty (trust / ALLOW_EMPTY_PASSWORD). */
  passwordOptional(env: Record<string, string>): boolean;
  missingPassword: string[];
}

const DOCKER: Flavor = {
  userVar: "POSTGRES_USER",
  passwordVar: "POSTGRES_PASSWORD",
  dbVar: "POSTGRES_DB",
  defaultDb: (user) => user,
  dataDir: (env) => env.PGDATA || "/var/lib/postgresql/data",
  passwordOptional: (env) => env.POSTGRES_HOST_AUTH_METHOD === "trust",
  // docker-entrypoint.sh docker_verify_minimum_env
  missingPassword: [
    "Error: Database is uninitialized and superuser password is not specified.",
    "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
    '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
    "",
    '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
    "       connections without a password. This is *not* recommended.",
    "",
    '       See PostgreSQL documentation about "trust":',
    "       https://www.postgresql.org/docs/current/auth-trust.html",
  ],
};

const BITNAMI: Flavor = {
  userVar: "POSTGRESQL_USERNAME",
  passwordVar: "POSTGRESQL_PASSWORD",
  dbVar: "POSTGRESQL_DATABASE",
  defaultDb: () => "postgres",
  dataDir: (env) => env.POSTGRESQL_DATA_DIR || "/bitnami/postgresql/data",
  passwordOptional: (env) => env.ALLOW_EMPTY_PASSWORD === "yes",
  // libpostgresql.sh postgresql_validate
  missingPassword: [
    "postgresql 12:00:00.00 INFO  ==> ** Starting PostgreSQL setup **",
    "postgresql 12:00:00.01 INFO  ==> Validating settings in POSTGRESQL_* env vars..",
    "postgresql 12:00:00.01 ERROR ==> The POSTGRESQL_PASSWORD environment variable is empty or not set. Set the environment variable ALLOW_EMPTY_PASSWORD=yes to allow the container to be started with blank passwords. This is recommended only for development.",
  ],
};

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Whether `password` matches a `SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>` verifier (RFC 5802). */
export function scramMatches(verifier: string | null, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier ?? "");
  if (!m) return false;
  const salted = pbkdf2Sync(password, Buffer.from(m[2] as string, "base64"), Number(m[1]), 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const want = Buffer.from(m[3] as string, "base64");
  return want.length === storedKey.length && timingSafeEqual(want, storedKey);
}

/**
 * initdb's output, made once per process and copied into each new PGDATA: initdb takes seconds of
 * CPU (WebAssembly), a copy of its result milliseconds, and the cluster it makes is the same for all.
 */
let pristine: Promise<string> | undefined;
function pristineCluster(): Promise<string> {
  pristine ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "k8s-sim-initdb-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const pg = new PGlite(join(dir, "data"));
    await pg.waitReady;
    await pg.close();
    return join(dir, "data");
  })();
  return pristine;
}

/**
 * Engines still closing, by data directory: a replacement pod on the same volume opens it only once
 * the old one has written everything out (as postgres waits for the old postmaster.pid to go).
 */
const closing = new Map<string, Promise<void>>();

class PostgresApp implements ContainerApp {
  private pg: PGlite | undefined;
  private pgDatabase = "";
  private pgDir = "";
  /** Serializes engine use: one PGlite serves one database at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** A directory of our own when the context offers no disk (removed on stop). */
  private scratch: string | undefined;

  constructor(private readonly flavor: Flavor) {}

  listens(ctx: AppContext): number[] {
    return [Number(ctx.env.PGPORT || 5432)];
  }

  private dataDir(ctx: AppContext): string {
    const path = this.flavor.dataDir(ctx.env);
    const mounted = ctx.mountDir(path);
    if (mounted) return mounted;
    if (ctx.writableLayer) return join(ctx.writableLayer(), path);
    this.scratch ??= mkdtempSync(join(tmpdir(), "k8s-sim-pgdata-"));
    return this.scratch;
  }

  /**
   * The superuser password: POSTGRES_PASSWORD, or the file POSTGRES_PASSWORD_FILE names (docker-entrypoint.sh
   * file_env, read through the container's mounts; both set is an error there, the variable wins here).
   */
  private password(ctx: AppContext): string {
    const direct = ctx.env[this.flavor.passwordVar];
    if (direct) return direct;
    const file = ctx.env[`${this.flavor.passwordVar}_FILE`];
    const onDisk = file ? ctx.mountDir(file) : null;
    return onDisk && existsSync(onDisk) ? readFileSync(onDisk, "utf8") : "";
  }

  exitsOnStart(ctx: AppContext): string[] | null {
    const dir = this.dataDir(ctx);
    if (existsSync(join(dir, "PG_VERSION"))) return null;
    if (!this.password(ctx) && !this.flavor.passwordOptional(ctx.env)) return this.flavor.missingPassword;
    // initdb refuses a directory with anything in it (src/bin/initdb/initdb.c create_data_directory).
    if (existsSync(dir) && readdirSync(dir).length) {
      const path = this.flavor.dataDir(ctx.env);
      return [
        'The files belonging to this database system will be owned by user "postgres".',
        `initdb: error: directory "${path}" exists but is not empty`,
        `initdb: hint: If you want to create a new database system, either remove or empty the directory "${path}" or run initdb with an argument other than "${path}".`,
      ];
    }
    return null;
  }

  private user(ctx: AppContext): string {
    return ctx.env[this.flavor.userVar] || "postgres";
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.stopped) throw new Error("Connection terminated unexpectedly");
      return fn();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The engine open on `database` (initdb and the entrypoint's setup on an empty PGDATA first). */
  private async engine(ctx: AppContext, database: string): Promise<PGlite> {
    if (this.pg && this.pgDatabase === database) return this.pg;
    const dir = this.dataDir(ctx);
    await closing.get(dir);
    if (!existsSync(join(dir, "PG_VERSION"))) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      await this.initialize(ctx, dir);
    }
    await this.pg?.close();
    this.pg = undefined;
    const pg = new PGlite(dir, { database });
    await pg.waitReady;
    this.pg = pg;
    this.pgDir = dir;
    this.pgDatabase = database;
    return pg;
  }

  private async initialize(ctx: AppContext, dir: string): Promise<void> {
    const user = this.user(ctx);
    const password = this.password(ctx);
    const db = ctx.env[this.flavor.dbVar] || this.flavor.defaultDb(user);
    cpSync(await pristineCluster(), dir, { recursive: true });
    const pg = new PGlite(dir);
    await pg.waitReady;
    try {
      if (user !== "postgres") await pg.query(`CREATE ROLE ${ident(user)} SUPERUSER LOGIN`);
      if (password) await pg.query(`ALTER ROLE ${ident(user)} PASSWORD ${literal(password)}`);
      if (db !== "postgres") await pg.query(`CREATE DATABASE ${ident(db)} OWNER ${ident(user)}`);
    } finally {
      await pg.close();
    }
  }

  postgres(ctx: AppContext): PostgresPeer {
    const trust = this.flavor.passwordOptional(ctx.env) && !this.password(ctx);
    return {
      connect: (user, password, database) =>
        this.exclusive(async () => {
          const pg = await this.engine(ctx, this.pgDatabase || database);
          const role = (
            await pg.query<{ rolpassword: string | null; rolcanlogin: boolean }>(
              "SELECT rolpassword, rolcanlogin FROM pg_authid WHERE rolname = $1",
              [user],
            )
          ).rows[0];
          if (trust ? !role : !role?.rolcanlogin || !scramMatches(role.rolpassword, password))
            throw new Error(
              trust ? `role "${user}" does not exist` : `password authentication failed for user "${user}"`,
            );
          const db = await pg.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
          if (!db.rows.length) throw new Error(`database "${database}" does not exist`);
          let open = true;
          return {
            query: (sql: string, params?: unknown[]) =>
              this.exclusive(async () => {
                if (!open) throw new Error("Client was closed and is not queryable");
                const r = await (await this.engine(ctx, database)).query<Record<string, unknown>>(
                  sql,
                  params,
                );
                return { rows: r.rows };
              }),
            close: async () => {
              open = false;
            },
          };
        }),
    };
  }

  async stop(): Promise<void> {
    const done = this.exclusive(async () => {
      this.stopped = true;
      await this.pg?.close();
      this.pg = undefined;
    }).catch(() => undefined);
    const dir = this.pgDir;
    if (dir) closing.set(dir, done);
    await done;
    if (dir && closing.get(dir) === done) closing.delete(dir);
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
  }
}

registerApp({ repos: ["docker.io/library/postgres"], make: () => new PostgresApp(DOCKER) });
registerApp({ repos: ["docker.io/bitnami/postgresql"], make: () => new PostgresApp(BITNAMI) });
