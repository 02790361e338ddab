/**
 * The Kimi tokenizer (Kimi K2 / Kimi Linear): tiktoken byte-level BPE, the Han-aware split pattern, 258
 * special ids, and the Kimi instruct chat template — reproducing the HF {@code tokenization_kimi.py} ids.
 *
 * <pre>{@code
 * KimiTokenizer tok = KimiTokenizer.load(dir);                 // dir holds tiktoken.model + tokenizer_config.json
 * String prompt = tok.renderChat(List.of(ChatMessage.user("Hi")), true);
 * int[] ids = tok.encode(prompt);                              // special-token strings become special ids
 * StreamingDecoder out = tok.streamingDecoder();
 * for (int id : generated) System.out.print(out.feed(id));     // whole characters only
 * System.out.print(out.flush());
 * int imEnd = tok.specialTokenId("<|im_end|>").orElseThrow(); // 163586, the chat turn end (config eos)
 * }</pre>
 *
 * <p>Ids 163,840 and 163,841 exist only in the tokenizer (the model has 163,840 embedding rows). No BOS is
 * added by {@code encode}. {@link ai.kimitornado.weights.tokenizer.KimiTokenizer} is immutable and thread-safe;
 * a {@link ai.kimitornado.weights.tokenizer.StreamingDecoder} belongs to one stream.
 */
package ai.kimitornado.weights.tokenizer;
