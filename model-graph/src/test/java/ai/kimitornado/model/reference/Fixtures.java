package ai.kimitornado.model.reference;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared/fixtures: system property kimi.shared (set by surefire), else ../shared from the project root. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir(String name) {
        String shared = System.getProperty("kimi.shared");
        Path[] candidates = shared != null
                ? new Path[] {Path.of(shared)}
                : new Path[] {Path.of("..", "shared"), Path.of("..", "..", "shared")};
        for (Path candidate : candidates) {
            Path dir = candidate.resolve("fixtures").resolve(name);
            if (Files.isDirectory(dir)) {
                return dir.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("fixtures/" + name + " not found under kimi.shared=" + shared
                + " or ../shared (cwd " + Path.of("").toAbsolutePath() + ")");
    }
}
