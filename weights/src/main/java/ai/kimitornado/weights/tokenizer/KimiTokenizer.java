package ai.kimitornado.weights.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * The Kimi tokenizer (Kimi K2 / Kimi Linear, {@code tokenization_kimi.py}): tiktoken byte-level BPE over
 * {@code tiktoken.model}, the Han-aware split regex, 258 special ids after the base vocabulary named by
 * {@code tokenizer_config.json}, and the Kimi chat template. Immutable and thread-safe.
 *
 * <p>Encoding follows the HF tokenizer exactly: the text is cut like {@link LongRunSplitter} does, each chunk
 * is split on special-token strings (all specials allowed, {@link #encode}) or not ({@link #encodeOrdinary}),
 * each span in between is split by {@link KimiPieceScanner} (the {@link KimiSplitPattern} regex) and each piece merged by {@link BytePairMerger}.
 * Unpaired surrogates are encoded as U+FFFD, as tiktoken's Python binding does. No BOS is added.
 */
public final class KimiTokenizer {
    public static final String VOCAB_FILE = "tiktoken.model";
    public static final String CONFIG_FILE = "tokenizer_config.json";

    private final TiktokenVocabulary vocab;
    private final SpecialTokens specials;
    private final int bosId;
    private final int eosId;
    private final ChatTemplate chatTemplate; // null when the config's template is not the Kimi one
    private final String chatTemplateProblem;

    private KimiTokenizer(TiktokenVocabulary vocab, TokenizerConfig config) {
        this.vocab = vocab;
        this.specials = config.specials();
        this.bosId = config.bosId();
        this.eosId = config.eosId();
        this.chatTemplate = config.chatTemplate();
        this.chatTemplateProblem = config.chatTemplateProblem();
    }

    /** Loads {@code dir/tiktoken.model} and {@code dir/tokenizer_config.json}. */
    public static KimiTokenizer load(Path dir) throws IOException {
        Path vocabFile = dir.resolve(VOCAB_FILE);
        Path configFile = dir.resolve(CONFIG_FILE);
        for (Path required : new Path[] {vocabFile, configFile}) {
            if (!Files.isRegularFile(required)) {
                throw new NoSuchFileException(required.toString(), null,
                        "the Kimi tokenizer needs " + VOCAB_FILE + " and " + CONFIG_FILE + " in " + dir);
            }
        }
        TiktokenVocabulary vocab = TiktokenVocabulary.load(vocabFile);
        TokenizerConfig config = TokenizerConfig.load(configFile, vocab.size());
        return new KimiTokenizer(vocab, config);
    }

    /** Encodes with every special-token string recognised as its special id (HF default, {@code allowed_special="all"}). */
    public int[] encode(String text) {
        return encode(text, true);
    }

    /** Encodes treating special-token strings as plain text. */
    public int[] encodeOrdinary(String text) {
        return encode(text, false);
    }

    private int[] encode(String text, boolean allowSpecial) {
        String clean = Utf8.replaceLoneSurrogates(text);
        ChunkEncoder encoder = new ChunkEncoder(vocab, allowSpecial ? specials : null, clean);
        LongRunSplitter.forEachChunk(clean, encoder::encodeChunk);
        return encoder.ids.toArray();
    }

    /** Concatenated bytes of the tokens; a special id yields its name's UTF-8 bytes. */
    public byte[] decodeBytes(int[] ids) {
        int total = 0;
        for (int i = 0; i < ids.length; i++) {
            total += tokenLength(ids[i], i);
        }
        byte[] out = new byte[total];
        int at = 0;
        for (int id : ids) {
            at = copyToken(id, out, at);
        }
        return out;
    }

    /** UTF-8 decode of {@link #decodeBytes}, each maximal ill-formed subsequence replaced by U+FFFD. */
    public String decode(int[] ids) {
        byte[] bytes = decodeBytes(ids);
        StringBuilder sb = new StringBuilder(bytes.length);
        Utf8.decode(bytes, 0, bytes.length, sb, true);
        return sb.toString();
    }

    /** A decoder fed one id at a time that only ever returns whole characters. */
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this);
    }

    /** The bytes of one token (a special id: its name in UTF-8). */
    public byte[] tokenBytes(int id) {
        checkId(id, -1);
        return specials.contains(id) ? specials.bytes(id).clone() : vocab.tokenBytes(id);
    }

    /** All ids: base vocabulary plus special ids (163,842 for Kimi; the model has 163,840 embedding rows). */
    public int vocabSize() {
        return vocab.size() + specials.count();
    }

    /** Number of BPE ranks in {@code tiktoken.model}; special ids start here. */
    public int baseVocabSize() {
        return vocab.size();
    }

    /** Id of a special-token string such as {@code <|im_end|>} or {@code <|reserved_token_163589|>}. */
    public OptionalInt specialTokenId(String name) {
        return specials.id(name);
    }

    public boolean isSpecial(int id) {
        return specials.contains(id);
    }

    /** {@code bos_token} of the config ({@code [BOS]}, 163584); never added automatically. */
    public int bosId() {
        return bosId;
    }

    /** {@code eos_token} of the config ({@code [EOS]}, 163585); chat turns end with {@code <|im_end|>} instead. */
    public int eosId() {
        return eosId;
    }

    /** The Kimi chat template, or an exception naming why the config's template is not supported. */
    public ChatTemplate chatTemplate() {
        if (chatTemplate == null) {
            throw new UnsupportedOperationException(chatTemplateProblem);
        }
        return chatTemplate;
    }

    /** Renders a conversation as text; encode it with {@link #encode} (its role markers are special tokens). */
    public String renderChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return chatTemplate().render(messages, List.of(), addGenerationPrompt);
    }

    /** As {@link #renderChat(List, boolean)} with tool declarations (JSON objects, OpenAI function format). */
    public String renderChat(List<ChatMessage> messages, List<JsonNode> tools, boolean addGenerationPrompt) {
        return chatTemplate().render(messages, tools, addGenerationPrompt);
    }

    int tokenLength(int id, int position) {
        checkId(id, position);
        return specials.contains(id) ? specials.bytes(id).length : vocab.tokenLength(id);
    }

    int copyToken(int id, byte[] dst, int at) {
        if (specials.contains(id)) {
            byte[] b = specials.bytes(id);
            System.arraycopy(b, 0, dst, at, b.length);
            return at + b.length;
        }
        return vocab.copyToken(id, dst, at);
    }

    private void checkId(int id, int position) {
        if (id < 0 || id >= vocabSize()) {
            throw new IllegalArgumentException("token id " + id + (position >= 0 ? " at position " + position : "")
                    + " is outside the Kimi vocabulary [0, " + vocabSize() + ")");
        }
    }

    /** Per-call encoding state (scratch buffers), so the tokenizer itself stays immutable. */
    private static final class ChunkEncoder {
        private final TiktokenVocabulary vocab;
        private final SpecialTokens specials; // null: specials are plain text
        private final String text;
        private final BytePairMerger merger;
        final IntList ids;
        private byte[] pieceBytes = new byte[256];

        ChunkEncoder(TiktokenVocabulary vocab, SpecialTokens specials, String text) {
            this.vocab = vocab;
            this.specials = specials;
            this.text = text;
            this.merger = new BytePairMerger(vocab);
            this.ids = new IntList(text.length() / 3 + 4);
        }

        void encodeChunk(int from, int to) {
            int at = from;
            if (specials != null) {
                long found;
                while ((found = specials.findNext(text, at, to)) >= 0) {
                    int start = (int) (found >>> 32);
                    int id = (int) found;
                    encodeOrdinary(at, start);
                    ids.add(id);
                    at = start + specials.name(id).length();
                }
            }
            encodeOrdinary(at, to);
        }

        private void encodeOrdinary(int from, int to) {
            if (from < to) {
                KimiPieceScanner.split(text, from, to, this::encodePiece);
            }
        }

        private void encodePiece(int from, int to) {
            int max = Utf8.maxBytes(to - from);
            if (pieceBytes.length < max) {
                pieceBytes = new byte[Math.max(max, pieceBytes.length * 2)];
            }
            int len = Utf8.encode(text, from, to, pieceBytes);
            merger.encode(pieceBytes, len, ids);
        }
    }
}
