package ai.kimitornado.cli;

import ai.kimitornado.weights.tokenizer.KimiTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tokenize --tokenizer DIR (--text S | --text-file F) [--json]}: prints token ids. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Encode text with the Kimi tokenizer (special tokens allowed) and print the ids.")
final class TokenizeCommand implements Callable<Integer> {

    @Option(names = "--tokenizer", required = true, paramLabel = "DIR",
            description = "Directory with tiktoken.model and tokenizer_config.json.")
    Path tokenizerDir;

    static final class Input {
        @Option(names = "--text", paramLabel = "S", description = "Text to encode.") String text;
        @Option(names = "--text-file", paramLabel = "F", description = "UTF-8 file to encode.") Path textFile;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--json", description = "Print the ids as a JSON array on one line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        KimiTokenizer tokenizer = KimiTokenizer.load(tokenizerDir);
        String text = input.text != null ? input.text : Files.readString(input.textFile, StandardCharsets.UTF_8);
        int[] ids = tokenizer.encode(text);
        if (json) {
            System.out.println(IdList.json(ids));
        } else {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < ids.length; i++) {
                if (i > 0) sb.append(' ');
                sb.append(ids[i]);
            }
            System.out.println(sb);
        }
        return 0;
    }
}
