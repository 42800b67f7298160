package kg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.neo4j.cli.ExecutionContext;
import org.neo4j.importer.ImportCommand;
import picocli.CommandLine;

/**
 * The real Neo4j 5.26 bulk importer ({@code neo4j-admin database import full}), run in-process.
 *
 * <pre>
 * java ... kg.CsvImport --csv DIR --into HOME [--database neo4j] [-- extra import options]
 * </pre>
 *
 * Imports DIR/nodes_*.csv and DIR/rels_*.csv (header formats of `kg export neo4j`, array delimiter U+001F)
 * into a fresh Neo4j home HOME (HOME/data/databases/DB, HOME/data/transactions/DB), which
 * {@code kg.Neo4jServer --data HOME} then serves. The import report is written to HOME/import.report.
 * Exit code: 0 when the import succeeded, non-zero otherwise.
 */
public final class CsvImport {
    private CsvImport() {}

    public static void main(String[] args) throws IOException {
        Path csv = null;
        Path home = null;
        String database = "neo4j";
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--csv" -> csv = Path.of(args[++i]).toAbsolutePath();
                case "--into" -> home = Path.of(args[++i]).toAbsolutePath();
                case "--database" -> database = args[++i];
                case "--" -> {
                    for (i++; i < args.length; i++) {
                        extra.add(args[i]);
                    }
                }
                default -> {
                    System.err.println("unknown argument: " + args[i]);
                    System.err.println("usage: kg.CsvImport --csv DIR --into HOME [--database neo4j] [-- import options]");
                    System.exit(64);
                }
            }
        }
        if (csv == null || home == null) {
            System.err.println("usage: kg.CsvImport --csv DIR --into HOME [--database neo4j] [-- import options]");
            System.exit(64);
        }
        List<String> nodes = list(csv, "nodes_");
        List<String> rels = list(csv, "rels_");
        if (nodes.isEmpty()) {
            System.err.println("no nodes_*.csv in " + csv);
            System.exit(65);
        }
        Files.createDirectories(home);
        Path conf = home.resolve("conf");
        Files.createDirectories(conf);

        List<String> cmd = new ArrayList<>();
        cmd.add(database);
        cmd.add("--array-delimiter=U+001F");
        cmd.add("--overwrite-destination=false");
        cmd.add("--multiline-fields=true");
        cmd.add("--threads=2");
        cmd.add("--max-off-heap-memory=256m");
        cmd.add("--report-file=" + home.resolve("import.report"));
        for (String n : nodes) {
            cmd.add("--nodes=" + n);
        }
        for (String r : rels) {
            cmd.add("--relationships=" + r);
        }
        cmd.addAll(extra);

        ExecutionContext ctx = new ExecutionContext(home, conf);
        int code = new CommandLine(new ImportCommand.Full(ctx))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(cmd.toArray(new String[0]));
        System.out.flush();
        System.exit(code);
    }

    private static List<String> list(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)
                            && p.getFileName().toString().endsWith(".csv"))
                    .map(Path::toString)
                    .sorted()
                    .toList();
        }
    }
}
