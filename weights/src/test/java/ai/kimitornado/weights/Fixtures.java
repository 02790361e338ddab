package ai.kimitornado.weights;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared/fixtures (system property kimi.shared, set by surefire; else relative to the project root). */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path shared() {
        String prop = System.getProperty("kimi.shared");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        for (Path p : new Path[] {Path.of("../shared"), Path.of("../../shared")}) {
            if (Files.isDirectory(p.resolve("fixtures"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the shared fixtures: set -Dkimi.shared=<dir containing fixtures/>");
    }

    public static Path tinyA() {
        return shared().resolve("fixtures/tiny-a");
    }
}
