package chainkg.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.kernel.api.connectioninfo.ClientConnectionInfo;
import org.neo4j.internal.kernel.api.security.AuthenticationResult;
import org.neo4j.internal.kernel.api.security.LoginContext;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.api.security.AuthManager;
import org.neo4j.kernel.impl.security.User;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.Level;
import org.neo4j.logging.NullLogProvider;
import org.neo4j.logging.log4j.Log4jLogProvider;
import org.neo4j.memory.EmptyMemoryTracker;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;
import org.neo4j.server.security.auth.CommunitySecurityModule;
import org.neo4j.server.security.auth.FileUserRepository;

/**
 * Starts an embedded Neo4j Community DBMS with only the Bolt connector, on 127.0.0.1.
 *
 * <p>Prints exactly one line {@code CHAINKG-NEO4J-READY bolt://127.0.0.1:<port>} on stdout once
 * Bolt accepts connections, then blocks. The DBMS is shut down cleanly on SIGTERM/SIGINT and when
 * stdin reaches EOF (so a dying parent never leaves an orphan server). Everything else (Neo4j's
 * user log, launcher messages) goes to stderr.
 *
 * <p>Exit codes: 0 clean shutdown, 1 start-up failure, 2 bad command line.
 */
public final class Neo4jLauncher {

    static final String READY_PREFIX = "CHAINKG-NEO4J-READY ";

    private static final String USAGE = String.join("\n",
            "usage: java -jar chainkg-neo4j-launcher.jar [options]",
            "  --port N            Bolt port on 127.0.0.1 (default 7687; 0 is not allowed)",
            "  --host H            Bolt listen host (default 127.0.0.1)",
            "  --data DIR          DBMS home (data/, logs/ ...) kept after exit;",
            "                      default: a fresh temp dir deleted at exit",
            "  --password PW       enable auth; user 'neo4j' gets password PW (no change required)",
            "  --no-auth           disable auth (the default when --password is not given)",
            "  --pagecache SIZE    page cache, e.g. 128m, 1g (default 256m)",
            "  --tx-timeout SEC    transaction timeout in seconds, 0 = none (default 300)",
            "  --no-stdin-watch    do not shut down when stdin reaches EOF",
            "  --setting N=V       any other Neo4j setting by name, e.g. dbms.cypher.min_replan_interval=1h",
            "  --help              this text");

    private static final PrintStream LOG = System.err;

    private Neo4jLauncher() {}

    public static void main(String[] args) {
        Options opts;
        try {
            opts = Options.parse(args);
        } catch (IllegalArgumentException e) {
            LOG.println("chainkg-neo4j-launcher: " + e.getMessage());
            LOG.println(USAGE);
            System.exit(2);
            return;
        }
        if (opts.help) {
            System.out.println(USAGE);
            return;
        }
        try {
            run(opts);
        } catch (Throwable t) {
            LOG.println("chainkg-neo4j-launcher: start-up failed: " + t);
            t.printStackTrace(LOG);
            LOG.flush();
            // exit (not return): runs the shutdown hook, which stops a half-started DBMS cleanly,
            // and does not wait for Neo4j's non-daemon threads
            System.exit(1);
        }
    }

    private static void run(Options opts) throws Exception {
        final long t0 = System.nanoTime();
        final boolean tempHome = opts.data == null;
        final Path home = tempHome
                ? Files.createTempDirectory("chainkg-neo4j-")
                : Files.createDirectories(opts.data.toAbsolutePath());
        LOG.printf("chainkg-neo4j-launcher: home=%s%s port=%d auth=%s pagecache=%s tx-timeout=%ss%n",
                home, tempHome ? " (temporary)" : "", opts.port,
                opts.password != null ? "enabled" : "disabled", opts.pagecache, opts.txTimeoutSeconds);

        // One hook for every way out (SIGTERM/SIGINT, stdin EOF, start-up failure): stop the DBMS
        // if it was built, then delete a temporary home.
        final AtomicReference<DatabaseManagementService> dbmsRef = new AtomicReference<>();
        final AtomicBoolean stopped = new AtomicBoolean(false);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            DatabaseManagementService running = dbmsRef.get();
            if (running != null) {
                LOG.println("chainkg-neo4j-launcher: shutting down");
                try {
                    running.shutdown();
                    LOG.println("chainkg-neo4j-launcher: shut down cleanly");
                } catch (Throwable t) {
                    LOG.println("chainkg-neo4j-launcher: shutdown failed: " + t);
                }
            }
            if (tempHome) {
                deleteRecursively(home);
            }
            LOG.flush();
        }, "chainkg-neo4j-shutdown"));

        if (opts.password != null && !Files.exists(home.resolve("data").resolve("databases").resolve("system"))) {
            seedInitialPassword(home, opts.password);
        }
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        if (!opts.settings.isEmpty()) {
            // --setting name=value: any other Neo4j setting by its documented name, through a
            // properties file (the public builder takes raw names only that way)
            Path extra = Files.createTempFile("chainkg-neo4j-settings", ".conf");
            StringBuilder text = new StringBuilder();
            opts.settings.forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
            Files.writeString(extra, text.toString(), StandardCharsets.UTF_8);
            builder.loadPropertiesFromFile(extra);
            extra.toFile().deleteOnExit();
        }
        final DatabaseManagementService dbms = builder
                .setUserLogProvider(new Log4jLogProvider(LOG, Level.INFO))
                // connectors: Bolt only, plain text, loopback
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(opts.host, opts.port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(opts.host, opts.port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                // Bolt waits 5 s + 5 s for idle pools at shutdown by default; the databases are
                // already stopped and checkpointed by then, so do not make callers wait for it
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                // no phone-home: this machine (and CI) may reach no outside host
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // security
                .setConfig(GraphDatabaseSettings.auth_enabled, opts.password != null)
                .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                // small-machine friendly memory / disk settings
                .setConfig(GraphDatabaseSettings.pagecache_memory, opts.pagecacheBytes)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofSeconds(opts.txTimeoutSeconds))
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5))
                .build();
        dbmsRef.set(dbms);

        LOG.printf("chainkg-neo4j-launcher: DBMS started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(Duration.ofMinutes(5).toMillis())) {
            throw new IllegalStateException("default database did not become available");
        }
        LOG.printf("chainkg-neo4j-launcher: database available after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        if (opts.password != null) {
            ensurePassword(dbms, opts.password);
            LOG.printf("chainkg-neo4j-launcher: auth ready after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }
        waitForBolt(opts.host, opts.port, Duration.ofSeconds(60));

        if (opts.watchStdin) {
            Thread watcher = new Thread(() -> {
                watchStdin(System.in);
                LOG.println("chainkg-neo4j-launcher: stdin closed");
                System.exit(0);
            }, "chainkg-neo4j-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }

        LOG.printf("chainkg-neo4j-launcher: ready in %d ms (JVM up %d ms)%n", (System.nanoTime() - t0) / 1_000_000,
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
        LOG.flush();
        System.out.println(READY_PREFIX + "bolt://" + opts.host + ":" + opts.port);
        System.out.flush();
        new CountDownLatch(1).await(); // until the shutdown hook / System.exit
    }

    /**
     * Fresh home only: seeds the initial user store (what {@code neo4j-admin dbms set-initial-password}
     * writes, data/dbms/auth.ini), which Neo4j consumes when it creates the system database. Avoids
     * running a slow first Cypher statement on the system database at every fresh start.
     */
    private static void seedInitialPassword(Path home, String password) {
        Config config = Config.newBuilder().set(GraphDatabaseSettings.neo4j_home, home).build();
        Path file = CommunitySecurityModule.getInitialUserRepositoryFile(config);
        try (DefaultFileSystemAbstraction fs = new DefaultFileSystemAbstraction()) {
            fs.mkdirs(file.getParent());
            if (fs.fileExists(file)) {
                fs.deleteFile(file);
            }
            FileUserRepository users =
                    new FileUserRepository(fs, file, NullLogProvider.getInstance(), EmptyMemoryTracker.INSTANCE);
            users.start();
            users.create(new User(
                    AuthManager.INITIAL_USER_NAME,
                    null,
                    SystemGraphCredential.createCredentialForPassword(
                            password.getBytes(StandardCharsets.UTF_8), new SecureHasher()),
                    false,
                    false));
            users.shutdown();
        } catch (Exception e) {
            // not fatal: ensurePassword() falls back to ALTER USER after start-up
            LOG.println("chainkg-neo4j-launcher: could not seed the initial password: " + e);
        }
    }

    /** True if user 'neo4j' can log in with this password and need not change it (no Cypher involved). */
    private static boolean passwordWorks(GraphDatabaseService system, String password) {
        try {
            AuthManager auth = ((GraphDatabaseAPI) system).getDependencyResolver().resolveDependency(AuthManager.class);
            Map<String, Object> token = new HashMap<>();
            token.put("scheme", "basic");
            token.put("principal", AuthManager.INITIAL_USER_NAME);
            token.put("credentials", password.getBytes(StandardCharsets.UTF_8));
            LoginContext login = auth.login(token, ClientConnectionInfo.EMBEDDED_CONNECTION);
            return login.subject().getAuthenticationResult() == AuthenticationResult.SUCCESS;
        } catch (Throwable t) {
            LOG.println("chainkg-neo4j-launcher: could not check the password: " + t);
            return false;
        }
    }

    /** Makes sure user 'neo4j' has this password and no pending password change (idempotent). */
    private static void ensurePassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        if (passwordWorks(system, password)) {
            return;
        }
        LOG.println("chainkg-neo4j-launcher: setting the password of user 'neo4j'");
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            // Neo4j refuses to "change" a password to itself; then only the change-required flag was set.
            if (!msg.contains("cannot be the same")) {
                throw e;
            }
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
        }
    }

    private static void waitForBolt(String host, int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Bolt is not accepting connections on " + host + ":" + port, e);
                }
                Thread.sleep(50);
            }
        }
    }

    private static void watchStdin(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) != -1) {
                // ignore input; only EOF matters
            }
        } catch (IOException e) {
            // treat a broken stdin like EOF
        }
    }

    private static void deleteRecursively(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.println("chainkg-neo4j-launcher: could not delete " + root + ": " + e);
        }
    }

    static final class Options {
        int port = 7687;
        String host = "127.0.0.1";
        Path data;
        String password;
        String pagecache = "256m";
        long pagecacheBytes = 256L << 20;
        long txTimeoutSeconds = 300;
        boolean watchStdin = true;
        boolean help;
        final Map<String, String> settings = new HashMap<>();

        static Options parse(String[] args) {
            Options o = new Options();
            boolean noAuth = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String value = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    value = a.substring(eq + 1);
                    a = a.substring(0, eq);
                }
                switch (a) {
                    case "--port":
                        value = value != null ? value : next(args, ++i, a);
                        o.port = parseInt(value, a);
                        if (o.port < 1 || o.port > 65535) {
                            throw new IllegalArgumentException("--port must be in 1..65535");
                        }
                        break;
                    case "--host":
                        o.host = value != null ? value : next(args, ++i, a);
                        break;
                    case "--data":
                        o.data = Path.of(value != null ? value : next(args, ++i, a));
                        break;
                    case "--password":
                        o.password = value != null ? value : next(args, ++i, a);
                        if (o.password.isEmpty()) {
                            throw new IllegalArgumentException("--password must not be empty");
                        }
                        break;
                    case "--no-auth":
                        noAuth = true;
                        break;
                    case "--pagecache":
                        o.pagecache = value != null ? value : next(args, ++i, a);
                        o.pagecacheBytes = parseSize(o.pagecache);
                        break;
                    case "--tx-timeout":
                        o.txTimeoutSeconds = parseInt(value != null ? value : next(args, ++i, a), a);
                        if (o.txTimeoutSeconds < 0) {
                            throw new IllegalArgumentException("--tx-timeout must be >= 0");
                        }
                        break;
                    case "--no-stdin-watch":
                        o.watchStdin = false;
                        break;
                    case "--setting": {
                        String pair = value != null ? value : next(args, ++i, a);
                        int at = pair.indexOf('=');
                        if (at <= 0) {
                            throw new IllegalArgumentException("--setting needs name=value, got: " + pair);
                        }
                        o.settings.put(pair.substring(0, at).trim(), pair.substring(at + 1).trim());
                        break;
                    }
                    case "-h":
                    case "--help":
                        o.help = true;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            if (noAuth && o.password != null) {
                throw new IllegalArgumentException("--no-auth and --password are mutually exclusive");
            }
            return o;
        }

        private static String next(String[] args, int i, String opt) {
            if (i >= args.length) {
                throw new IllegalArgumentException(opt + " needs a value");
            }
            return args[i];
        }

        private static int parseInt(String s, String opt) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(opt + ": not a number: " + s);
            }
        }

        static long parseSize(String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            long mult = 1;
            if (t.endsWith("k")) {
                mult = 1L << 10;
            } else if (t.endsWith("m")) {
                mult = 1L << 20;
            } else if (t.endsWith("g")) {
                mult = 1L << 30;
            }
            if (mult != 1) {
                t = t.substring(0, t.length() - 1);
            }
            try {
                long v = Long.parseLong(t) * mult;
                if (v < (8L << 20)) {
                    throw new IllegalArgumentException("--pagecache must be at least 8m: " + s);
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--pagecache: bad size: " + s);
            }
        }
    }
}
