package ai.kimitornado.cli;

import java.nio.file.Path;

/** The per-user cache directory ({@code ~/.cache/kimi-tornado}, or {@code $XDG_CACHE_HOME/kimi-tornado}). */
final class CacheDir {
    private CacheDir() {}

    static Path resolve(Path override) {
        if (override != null) return override;
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("kimi-tornado");
    }
}
