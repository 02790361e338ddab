package ai.kimitornado.weights.tokenizer;

/** A tokenizer file ({@code tiktoken.model}, {@code tokenizer_config.json}) is malformed; the message names file and line. */
public final class TokenizerFormatException extends IllegalArgumentException {
    public TokenizerFormatException(String message) {
        super(message);
    }

    public TokenizerFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    static TokenizerFormatException atLine(String file, int line, String problem) {
        return new TokenizerFormatException(file + ":" + line + ": " + problem);
    }
}
