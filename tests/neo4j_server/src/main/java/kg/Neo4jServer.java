package kg;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * A real Neo4j Community 5.26 DBMS, in-process, serving Bolt on 127.0.0.1 only, without authentication.
 *
 * <pre>
 * java ... kg.Neo4jServer --port N [--data DIR] [--import-dir DIR] [--pagecache 64m] [--ignore-stdin]
 * </pre>
 *
 * DIR is a Neo4j home directory (the database "neo4j" lives in DIR/data/databases/neo4j and
 * DIR/data/transactions/neo4j, which is where {@link CsvImport} writes); it is created when missing and
 * kept afterwards. Without --data a temporary home is used and deleted at shutdown.
 *
 * Prints exactly one line, "READY bolt://127.0.0.1:N", on stdout once Bolt accepts connections and the
 * default database is available; everything else goes to stderr or DIR/logs. Shuts down cleanly when
 * stdin reaches end of file (unless --ignore-stdin) or on SIGTERM/SIGINT.
 */
public final class Neo4jServer {
    private Neo4jServer() {}

    public static void main(String[] args) throws Exception {
        // Keep stdout for the READY line alone: anything a library prints goes to stderr.
        PrintStream stdout = System.out;
        System.setOut(System.err);

        int port = -1;
        Path data = null;
        Path importDir = null;
        String pagecache = "64m";
        boolean watchStdin = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--data" -> data = Path.of(value(args, ++i)).toAbsolutePath();
                case "--import-dir" -> importDir = Path.of(value(args, ++i)).toAbsolutePath();
                case "--pagecache" -> pagecache = value(args, ++i);
                case "--ignore-stdin" -> watchStdin = false;
                default -> usage("unknown argument: " + args[i]);
            }
        }
        if (port <= 0 || port > 65535) {
            usage("--port N is required (1..65535)");
        }

        // Fail fast on a busy port (Neo4j itself takes ~20 s to give up).
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            // free: close it again and let Neo4j bind
        } catch (IOException e) {
            System.err.println("port 127.0.0.1:" + port + " is not free: " + e.getMessage());
            System.exit(4);
        }

        boolean temporary = data == null;
        Path home = temporary ? Files.createTempDirectory("kg-neo4j-") : data;
        Files.createDirectories(home);

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                // Stop in ~1 s instead of ~10 s (two 5 s waits for Bolt threads and connections).
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, parseBytes(pagecache))
                .setConfig(GraphDatabaseSettings.pagecache_warmup_enabled, false);
        if (importDir != null) {
            builder.setConfig(GraphDatabaseSettings.load_csv_file_url_root, importDir);
        }

        DatabaseManagementService dbms;
        try {
            dbms = builder.build();
        } catch (Throwable t) {
            t.printStackTrace();
            if (temporary) {
                deleteTree(home);
            }
            System.exit(1);
            return;
        }
        AtomicBoolean stopped = new AtomicBoolean(false);
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                try {
                    dbms.shutdown();
                } catch (Throwable t) {
                    System.err.println("shutdown failed: " + t);
                }
                if (temporary) {
                    deleteTree(home);
                }
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "neo4j-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(120_000)) {
            System.err.println("the default database did not become available");
            System.exit(2);
        }
        db.executeTransactionally("RETURN 1");
        waitForPort(port, 60_000);

        stdout.println("READY bolt://127.0.0.1:" + port);
        stdout.flush();

        if (watchStdin) {
            InputStream in = System.in;
            byte[] buf = new byte[256];
            try {
                while (in.read(buf) >= 0) {
                    // ignore input; stop at end of file
                }
            } catch (IOException ignored) {
                // a broken stdin means our parent is gone: stop as well
            }
            System.err.println("stdin closed: shutting down");
            System.exit(0); // runs the shutdown hook
        } else {
            Thread.currentThread().join(); // until SIGTERM
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String why) {
        System.err.println(why);
        System.err.println("usage: kg.Neo4jServer --port N [--data DIR] [--import-dir DIR] [--pagecache 64m] [--ignore-stdin]");
        System.exit(64);
    }

    static long parseBytes(String s) {
        String t = s.trim().toLowerCase();
        long mult = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            mult = last == 'k' ? ByteUnit.kibiBytes(1) : last == 'm' ? ByteUnit.mebiBytes(1) : ByteUnit.gibiBytes(1);
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * mult;
    }

    private static void waitForPort(int port, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    System.err.println("Bolt is not listening on 127.0.0.1:" + port + ": " + e);
                    System.exit(3);
                }
                Thread.sleep(100);
            }
        }
    }

    static void deleteTree(Path root) {
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
            System.err.println("could not delete " + root + ": " + e);
        }
    }
}
